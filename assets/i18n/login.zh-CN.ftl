# login screen texts
