# settings screen texts
