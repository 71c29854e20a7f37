## 经理的事件界面、日结界面上的按钮以及提示横幅

incidents-title = 事件
incidents-back = 返回（Esc）
incidents-open-button = 事件（{ $count } 件未结）
incidents-banner-one = 1 件未结事件：{ $title } — F9
incidents-banner-many = { $count } 件未结事件：{ $title } — F9
incidents-show-closed = 同时显示已结事件
incidents-none-open = 没有未结事件。
incidents-none = 没有事件。
incidents-row = #{ $id } { $title }
incidents-row-opened = 发生于 { $at }
incidents-row-terminal = 终端 { $terminal }
incidents-row-batch = 批次 #{ $batch }
incidents-row-closed = 已于 { $at } 结案
incidents-pick = 选择一件事件，查看经过并填写原因和处理措施。
incidents-told = 已通知
incidents-told-none = 未通知收银机以外的人：未设置 Webhook 或电子邮件。
incidents-channel-webhook = Webhook
incidents-channel-email = 电子邮件
incidents-alert-sent = { $channel }：已于 { $at } 发送
incidents-alert-waiting = { $channel }：尚未发送，已尝试 { $attempts } 次，下次尝试 { $next }
incidents-alert-error = 最近的错误：{ $error }
incidents-updated = 最近由 { $by } 于 { $at } 填写
incidents-cause-hint = 发生原因
incidents-remedy-hint = 处理措施（例如：已向收单机构提交索赔，参考号）
incidents-pin = 经理密码（收银员可查看事件，由经理填写）
incidents-pin-needed = 填写事件需要经理输入密码。
incidents-save = 保存
incidents-close = 结案
incidents-print = 打印
incidents-export = 导出 CSV
incidents-saved = 事件 #{ $id } 已保存。
incidents-closed = 事件 #{ $id } 已结案。
incidents-needs-remedy = 结案前请填写事件 #{ $id } 的处理措施。
incidents-exported = 事件已写入 { $path }
incidents-export-failed = 事件未导出：{ $reason }
incidents-printing = 事件 #{ $id } 已发送到打印机。
incidents-printed = 事件 #{ $id } 已打印。
incidents-not-printed = 事件 #{ $id } 未打印：{ $reason }（仍在打印队列中）
incidents-no-printer = 未设置打印机。
incidents-print-failed = 事件 #{ $id } 未能加入打印队列：{ $reason }
incidents-read-failed = 无法读取事件：{ $reason }

## 打印队列中的单据名称
print-kind-incident = 事件报告
