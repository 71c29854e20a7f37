## The manager's incidents screen, its button on the end-of-day screen, and the banner line

incidents-title = Incidents
incidents-back = Back (Esc)
incidents-open-button = Incidents ({ $count } open)
incidents-banner-one = 1 open incident: { $title } — F9
incidents-banner-many = { $count } open incidents: { $title } — F9
incidents-show-closed = Show closed incidents too
incidents-none-open = No open incidents.
incidents-none = No incidents.
incidents-row = #{ $id } { $title }
incidents-row-opened = Opened { $at }
incidents-row-terminal = terminal { $terminal }
incidents-row-batch = batch #{ $batch }
incidents-row-closed = closed { $at }
incidents-pick = Pick an incident to see what happened and to write down the cause and the remedy.
incidents-told = Who was told
incidents-told-none = Nobody outside the till: no webhook or e-mail is set up.
incidents-channel-webhook = Webhook
incidents-channel-email = E-mail
incidents-alert-sent = { $channel }: sent { $at }
incidents-alert-waiting = { $channel }: not sent yet, { $attempts } attempt(s), next try { $next }
incidents-alert-error = last error: { $error }
incidents-updated = Last written by { $by } at { $at }
incidents-cause-hint = Why it happened
incidents-remedy-hint = What was done about it (e.g. claim filed with the acquirer, reference)
incidents-pin = Manager PIN (a cashier may read incidents, a manager writes them up)
incidents-pin-needed = A manager must type their PIN to write up an incident.
incidents-save = Save
incidents-close = Close incident
incidents-print = Print
incidents-export = Export CSV
incidents-saved = Incident #{ $id } saved.
incidents-closed = Incident #{ $id } closed.
incidents-needs-remedy = Write the remedy (what was done about it) before closing incident #{ $id }.
incidents-exported = Incidents written to { $path }
incidents-export-failed = The incidents were not exported: { $reason }
incidents-printing = Incident #{ $id } sent to the printer.
incidents-printed = Incident #{ $id } printed.
incidents-not-printed = Incident #{ $id } not printed: { $reason } (it stays in the print queue)
incidents-no-printer = No printer is set up.
incidents-print-failed = Incident #{ $id } was not queued for printing: { $reason }
incidents-read-failed = The incidents could not be read: { $reason }

## The print queue names the printout
print-kind-incident = incident report
