# Training mode (src/ui/app/training.rs). The banner reads in both languages on purpose.
training-banner = 培训模式 - 不是真实交易 / TRAINING - nothing here is real
training-enter = Training mode / 培训模式
training-leave = Leave training / 退出培训
training-pin-title-enter = A manager's PIN to start training mode
training-pin-title-leave = A manager's PIN to leave training mode
training-pin = Manager PIN
training-ok = OK
training-cancel = Cancel
training-refused = Training cannot start now: { $why }. Deal with the real till first.
training-failed = Training mode could not be opened: { $reason }
training-no-folder = this till has no data folder for a training ledger
training-wrong-pin = { $reason }
training-real-alarm = The real till needs attention: { $why }. Leave training.
training-quit-first = Leave training mode first (a manager's PIN), then close the till.
