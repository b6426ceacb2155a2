-- The audit chain under concurrent writers (found by issue 24's kill -9 test, server/cluster/kill-during-transitions
-- .spec.ts, with 8 requests at once on one instance — several instances only make it likelier). The row's id came
-- from its identity default BEFORE the chain trigger took the chain lock: a transaction that drew id 17 and then
-- waited for the lock behind the one that drew id 18 linked 17 after 18, and the verification (in id order) failed
-- at 17. Now the id is drawn again after the lock is taken, so id order is lock order is chain order (the first id
-- drawn is left unused: gaps are allowed, the chain is checked in id order). Nothing else changes: the same lock,
-- the same content and hash.
CREATE OR REPLACE FUNCTION gridops_audit_chain() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  -- One writer at a time, so that the chain stays linear.
  PERFORM pg_advisory_xact_lock(7243001);
  NEW.id := nextval(pg_get_serial_sequence('public.audit_log', 'id'));
  SELECT hash INTO NEW.prev_hash FROM audit_log ORDER BY id DESC LIMIT 1;
  NEW.prev_hash := coalesce(NEW.prev_hash, 'genesis');
  NEW.at := clock_timestamp();
  NEW.hash := encode(sha256(convert_to(NEW.prev_hash || '|' || gridops_audit_content(NEW), 'UTF8')), 'hex');
  RETURN NEW;
END
$$;
