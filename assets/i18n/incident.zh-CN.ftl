## 事件：种类、记录措辞、警报

incident-kind-lost_batch = 批次丢失
incident-kind-mismatch = 结算不符
incident-kind-deferral = 结算已推迟
incident-kind-payment_in_doubt = 银行卡交易结果不明
incident-kind-clock_jump = 时钟跳变
incident-kind-backup_failed = 备份失败
incident-kind-terminal_offline = 刷卡终端离线
incident-kind-printer_offline = 打印机离线

incident-what-lost = 终端 { $terminal } 的批次 #{ $batch }（{ $count } 笔，{ $amount }）在结算前被终端清零（{ $at }）。
incident-action-lost = 已将该批次标记为丢失，并排队打印索赔清单：收单机构需要它来支付这些交易。
incident-what-mismatch = 终端 { $terminal } 的批次 #{ $batch } 于 { $at } 结算，但有差异：终端 { $terminal_amount }，账本 { $ledger_amount }；账本缺少 { $missing } 张凭证，终端不认识 { $unknown } 笔。
incident-action-mismatch = 已保存终端总额和差异；该差异等待经理确认。
incident-what-deferral = { $by } 将终端 { $terminal } 的批次 #{ $batch }（{ $amount }）推迟结算至 { $until }：{ $reason }。
incident-action-deferral = 结算守卫暂停至 { $until }，并已打印推迟凭条；到期后守卫恢复。
incident-what-in-doubt = 终端 { $terminal } 上的银行卡交易 #{ $card }（{ $amount }，{ $at }）：未收到终端的应答（{ $error }）。
incident-action-in-doubt = 该销售保持未付，并在向终端查明结果之前阻止新的银行卡交易。
incident-what-clock = { $detail }
incident-action-clock = 营业日未被倒退，跳变已记入审计日志。
incident-what-backup = { $detail }
incident-action-backup = 账本本身完好，但未生成备份：请检查备份文件夹，然后执行备份（tillguard backup）。
incident-what-offline-terminal = 刷卡终端 { $name } 自 { $since } 起无应答：{ $error }。
incident-action-offline-terminal = 经该终端的刷卡交易会失败，收银界面改为提供现金支付；收银机会继续询问终端。
incident-what-offline-printer = 打印机 { $name } 自 { $since } 起无应答：{ $error }。
incident-action-offline-printer = 小票和报表留在打印队列中，打印机恢复后打印。

incident-alert-subject = [Tillguard] { $shop }：{ $title }（事件 #{ $id }）
incident-alert-test-subject = [Tillguard] { $shop }：测试警报
incident-alert-test-text = 这是来自 { $shop } 收银机 { $till } 的测试警报，发送于 { $at }。事件将以此方式通知。
incident-alert-opened = 发生时间
incident-alert-amount = 金额
incident-alert-what = 发生了什么
incident-alert-action = 收银机的处理
incident-alert-terminal = 终端
incident-alert-batch = 批次
incident-alert-footer = 未结事件列在收银机的日结界面（F9）和 `tillguard incidents` 中；在那里填写原因和补救措施后即可关闭。
incident-alert-training = 培训模式 - 不是真实事件

print-incident-title = 事件 #{ $id }
print-incident-cause = 原因
print-incident-remedy = 补救措施
print-incident-closed = 由 { $by } 于 { $at } 关闭
print-incident-open = 未结 - 填写原因和补救措施后关闭

incident-alert-reminder-subject = [Tillguard] { $shop }：请在 { $minutes } 分钟内结算 { $terminal }
incident-alert-reminder-text = 终端 { $terminal } 的银行卡批次尚未结算，终端将于 { $at }（{ $minutes } 分钟后）清零。请在此之前在收银机上结算（F9，日结），否则其中的交易须向收单机构索赔。
