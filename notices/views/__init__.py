"""notices pages: public (``public``: archive, notice, lists, preferences, unsubscribe), the MP portal's
(``portal``: inbox, acknowledgements, list memberships) and the staff workspace's (``staff``)."""
