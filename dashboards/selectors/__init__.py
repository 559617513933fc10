"""dashboards selectors: the AM home (``home``), the MP 360° page (``overview``), the metrics page (``metrics``)."""
