-- A public note on a timeline step (issue 23): what the worker or the command centre tells the reporter when
-- resolving or closing a case ("井盖已更换"). Shown on the citizens' page /report/{id} and as Open311
-- status_notes; separate from the internal `detail` (the handler's note, reasons), which stays internal.
-- Checked by the API (server/incidents/public-note.ts: no phone numbers, ID numbers, e-mail addresses or worker
-- codes); the length is enforced here as well.
ALTER TABLE incident_timeline ADD COLUMN public_note text
  CHECK (public_note IS NULL OR char_length(public_note) BETWEEN 2 AND 500);
