## Incidents: kinds, the record's wording, alerts

incident-kind-lost_batch = Lost card batch
incident-kind-mismatch = Settlement mismatch
incident-kind-deferral = Settlement deferred
incident-kind-payment_in_doubt = Card payment in doubt
incident-kind-clock_jump = Clock jump
incident-kind-backup_failed = Backup failed
incident-kind-terminal_offline = Card terminal offline
incident-kind-printer_offline = Printer offline

incident-what-lost = Batch #{ $batch } of { $terminal } ({ $count } payments, { $amount }) was cleared by the terminal before it was settled ({ $at }).
incident-action-lost = Marked the batch lost and queued its claim list for printing: the acquirer needs it to pay these payments.
incident-what-mismatch = Batch #{ $batch } of { $terminal } settled at { $at } with differences: terminal { $terminal_amount }, ledger { $ledger_amount }; { $missing } receipt(s) missing in the ledger, { $unknown } unknown to the terminal.
incident-action-mismatch = Stored the terminal's totals and the differences; the mismatch waits for a manager's acknowledgement.
incident-what-deferral = { $by } deferred settling batch #{ $batch } of { $terminal } ({ $amount }) until { $until }: { $reason }.
incident-action-deferral = Paused the guard until { $until } and printed the deferral slip; the guard returns when it runs out.
incident-what-in-doubt = Card payment #{ $card } of { $amount } on { $terminal } ({ $at }): the terminal's answer never arrived ({ $error }).
incident-action-in-doubt = Kept the sale unpaid and blocked further card transactions until the terminal is asked what became of the payment.
incident-what-clock = { $detail }
incident-action-clock = Kept the business day from moving backwards and recorded the jump in the audit log.
incident-what-backup = { $detail }
incident-action-backup = The ledger itself is intact, but no backup was made: check the backup folder, then run a backup (tillguard backup).
incident-what-offline-terminal = Card terminal { $name } has not answered since { $since }: { $error }.
incident-action-offline-terminal = Card payments through it fail and the checkout offers cash; the till keeps asking the terminal.
incident-what-offline-printer = Printer { $name } has not answered since { $since }: { $error }.
incident-action-offline-printer = Receipts and reports wait in the print queue and print when the printer is back.

incident-alert-subject = [Tillguard] { $shop }: { $title } (incident #{ $id })
incident-alert-test-subject = [Tillguard] { $shop }: test alert
incident-alert-test-text = This is a test alert from the till { $till } of { $shop }, sent at { $at }. Incidents will be reported this way.
incident-alert-opened = Opened
incident-alert-amount = Amount
incident-alert-what = What happened
incident-alert-action = What the till did
incident-alert-terminal = Terminal
incident-alert-batch = Batch
incident-alert-footer = Open incidents are listed on the till's end-of-day screen (F9) and by `tillguard incidents`; write the cause and the remedy there to close it.
incident-alert-training = TRAINING - not a real incident

print-incident-title = INCIDENT #{ $id }
print-incident-cause = Cause
print-incident-remedy = Remedy
print-incident-closed = Closed by { $by } at { $at }
print-incident-open = OPEN - write the cause and the remedy to close it

incident-alert-reminder-subject = [Tillguard] { $shop }: settle { $terminal } within { $minutes } min
incident-alert-reminder-text = The card batch of { $terminal } is not settled, and the terminal clears it at { $at } (in { $minutes } minutes). Settle it at the till (F9, End of day) before then, or the payments in it must be claimed from the acquirer.
