# User interface.
app-title = Tillguard
