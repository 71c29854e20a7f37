# 用户界面。
app-title = Tillguard
