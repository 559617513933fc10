"""accounts views: the public pages (``public``: accepting a portal invitation), the MP portal's (``portal``, with
the USA's people pages in ``portal.people``) and the staff workspace's (``staff``); sign-in is Django's, in
``accounts.urls``."""
