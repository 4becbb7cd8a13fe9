"""The security audit log (等保 level 3): append-only rows in a hash chain.

Each row stores the SHA-256 of the previous row's hash followed by the canonical JSON of
its own fields (accounts.audit.canonical), so changing, removing or reordering a row
breaks the chain from there on (`manage.py verify_audit`). PostgreSQL refuses UPDATE and
DELETE on the table (migration 0006's trigger) except the retention job's deletes of rows
older than 180 days; the anchor keeps the hash of the last pruned row so what remains
still verifies.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")
    SESSION_TIMEOUT = "session_timeout", _("超时退出")
    OTP_FAILED = "otp_failed", _("动态口令错误")
    OTP_VERIFIED = "otp_verified", _("动态口令验证通过")
    OTP_ENROLLED = "otp_enrolled", _("绑定动态口令")
    OTP_RESET = "otp_reset", _("重置动态口令")
    USER_CREATED = "user_created", _("创建账号")
    ROLE_CHANGED = "role_changed", _("角色变更")
    PERMISSION_CHANGED = "permission_changed", _("权限变更")
    USER_LOCKED = "user_locked", _("停用账号")
    USER_UNLOCKED = "user_unlocked", _("启用账号")
    PASSWORD_CHANGED = "password_changed", _("修改密码")
    PASSWORD_RESET = "password_reset", _("重置密码")
    EXPORT = "export", _("导出数据")
    ADMIN_ACTION = "admin_action", _("后台数据操作")
    AUDIT_PRUNED = "audit_pruned", _("清理过期审计记录")


class SecurityAudit(models.Model):
    """One security-relevant thing that happened. The actor is kept by id and name, not
    by a foreign key: the row outlives the account and is never updated."""

    seq = models.BigIntegerField(_("序号"), unique=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    action = models.CharField(_("事件"), max_length=32, choices=AuditAction.choices)
    actor_id = models.BigIntegerField(_("操作人ID"), null=True, blank=True)
    actor_username = models.CharField(_("操作人"), max_length=150, blank=True)
    target = models.CharField(_("对象"), max_length=200, blank=True)
    ip = models.CharField(_("IP 地址"), max_length=64, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("安全审计记录")
        verbose_name_plural = _("安全审计记录")
        ordering = ("-seq",)
        indexes = [
            models.Index(fields=["action", "-seq"], name="accounts_audit_action_idx"),
            models.Index(fields=["actor_username", "-seq"], name="accounts_audit_actor_idx"),
        ]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.actor_username}"


class AuditAnchor(models.Model):
    """Where the chain starts after pruning: the seq and hash of the last row removed.
    One row (pk 1); only the retention job changes it."""

    seq = models.BigIntegerField(_("序号"))
    hash = models.CharField(_("哈希"), max_length=64)
    pruned_at = models.DateTimeField(_("清理时间"))

    class Meta:
        verbose_name = _("审计链起点")
        verbose_name_plural = _("审计链起点")

    def __str__(self):
        return f"#{self.seq} {self.hash[:12]}"
