"""qualification forms: the MP portal's (``portal``) and the staff workspace's (``staff``)."""
