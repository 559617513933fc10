"""accounts views: the MP portal's (``portal``) and the staff workspace's (``staff``); sign-in is Django's, in
``accounts.urls``."""
