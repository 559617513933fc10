"""notices forms: the public pages' (``public``: archive filters, subscribe, preferences) and the staff
workspace's (``staff``: the draft and the notice page's actions)."""
