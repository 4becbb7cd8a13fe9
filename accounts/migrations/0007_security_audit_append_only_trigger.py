# The security audit log is append-only in the database itself (PostgreSQL): UPDATE is
# refused, and DELETE too except in a transaction that set jianyan.audit_prune (the
# retention job, accounts/audit/retention.py) and only of rows older than 180 days. The
# anchor (where the chain starts after pruning) changes only in such a transaction.

from django.db import migrations

FORWARDS = """
CREATE OR REPLACE FUNCTION accounts_securityaudit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('jianyan.audit_prune', true) = 'on'
       AND OLD.created_at < now() - interval '180 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'accounts_securityaudit is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER accounts_securityaudit_append_only
    BEFORE UPDATE OR DELETE ON accounts_securityaudit
    FOR EACH ROW EXECUTE FUNCTION accounts_securityaudit_append_only();

CREATE OR REPLACE FUNCTION accounts_auditanchor_guarded() RETURNS trigger AS $$
BEGIN
    IF current_setting('jianyan.audit_prune', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'accounts_auditanchor changes only with the retention job: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER accounts_auditanchor_guarded
    BEFORE INSERT OR UPDATE OR DELETE ON accounts_auditanchor
    FOR EACH ROW EXECUTE FUNCTION accounts_auditanchor_guarded();
"""

BACKWARDS = """
DROP TRIGGER IF EXISTS accounts_auditanchor_guarded ON accounts_auditanchor;
DROP FUNCTION IF EXISTS accounts_auditanchor_guarded();
DROP TRIGGER IF EXISTS accounts_securityaudit_append_only ON accounts_securityaudit;
DROP FUNCTION IF EXISTS accounts_securityaudit_append_only();
"""


def run(sql):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, None)

    return apply


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_admin_role_becomes_system_admin")]

    operations = [migrations.RunPython(run(FORWARDS), run(BACKWARDS))]
