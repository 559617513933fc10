"""accounts forms: sign-in and password reset (``public``), the MP portal's (``portal``) and the staff
workspace's (``staff``)."""
