# 培训模式 (src/ui/app/training.rs)。横幅特意用中英两种语言。
training-banner = 培训模式 - 不是真实交易 / TRAINING - nothing here is real
training-enter = 培训模式 / Training mode
training-leave = 退出培训 / Leave training
training-pin-title-enter = 进入培训模式需要经理密码
training-pin-title-leave = 退出培训模式需要经理密码
training-pin = 经理密码
training-ok = 确定
training-cancel = 取消
training-refused = 现在不能进入培训：{ $why }。请先处理真实收银台。
training-failed = 无法打开培训模式：{ $reason }
training-no-folder = 此收银台没有数据文件夹，无法建立培训账本
training-wrong-pin = { $reason }
training-real-alarm = 真实收银台需要处理：{ $why }。请退出培训。
training-quit-first = 请先退出培训模式（需经理密码），再关闭收银台。
