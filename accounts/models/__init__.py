from accounts.models.audit import AuditAction, AuditAnchor, SecurityAudit
from accounts.models.users import ADMIN_ROLES, PasswordHistory, Role, User

__all__ = [
    "ADMIN_ROLES",
    "AuditAction",
    "AuditAnchor",
    "PasswordHistory",
    "Role",
    "SecurityAudit",
    "User",
]
