"""The rows every demo proposal refers to: sessions, categories, sponsors, agencies, users.

Each is found by its natural key (session term/meeting, category name, sponsor name and
kind, agency name, username) and created only when missing; an existing row is never
changed, so a second run changes nothing.
"""

import random
import secrets
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import Role as UserRole
from accounts.models import User
from committees.models import Committee
from demo import data
from demo.generate import SEED, all_sponsors
from proposals.models import Category, Session, Sponsor, SponsorAccount
from responses.models import Agency, AgencyMembership, CommitteeRules

STAFF_GROUP = "提案委员会工作人员"
# What the staff login holds for the admin. The admin lets role staff view and change
# without model permissions (accounts/admin.py) and keeps adding workflow rows and
# deleting to Django's add/delete permissions on purpose, so the group carries view and
# change only: the same access, stated as permissions, and nothing that bypasses that.
STAFF_APPS = ("proposals", "responses")
STAFF_ACTIONS = ("view", "change")
STAFF_EXTRA_PERMISSIONS = (("accounts", "view_user"),)


# What the summary calls each kind of row this module creates.
CREATED_LABELS = {
    "committees": _("政协委员会"),
    "rules": _("办理规则"),
    "sessions": _("届次会议"),
    "categories": _("类别"),
    "sponsors": _("提案人"),
    "agencies": _("承办单位"),
    "users": _("用户"),
    "groups": _("用户组"),
    "permissions": _("员工权限"),
}


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role_label: str
    note: str


# One login per role. The passwords are fixed so the README and the terminal can print them.
LOGINS = {
    "staff": Login(
        "staff", "Jianyan-Demo-2025-s1", _("提案委员会工作人员"), _("王晓梅，可进入 /admin/")
    ),
    "gxj": Login("gxj", "Jianyan-Demo-2025-o1", _("承办单位联络员"), "苏州市工业和信息化局"),
    "czj": Login("czj", "Jianyan-Demo-2025-o2", _("承办单位联络员"), "苏州市财政局"),
    "zhigong": Login("zhigong", "Jianyan-Demo-2025-p1", _("提案人"), "市致公党"),
    "admin": Login("admin", "Jianyan-Demo-2025-a1", _("系统管理员"), _("超级用户")),
    # 三员分立: the security and audit administrators, one role each.
    "security": Login(
        "security", "Jianyan-Demo-2025-a2", _("安全管理员"), _("角色、密码与动态口令重置")
    ),
    "auditor": Login("auditor", "Jianyan-Demo-2025-a3", _("审计管理员"), _("只读审计日志")),
}


def random_password() -> str:
    """A random password that meets the policy (accounts.passwords): long, and letters of
    both cases, digits and a symbol whatever the random part holds."""
    return secrets.token_urlsafe(15) + "-Aa1"


@dataclass
class Refs:
    committee: Committee = None
    staff: User = None
    admin: User = None
    sessions: dict = field(default_factory=dict)  # (term, meeting) -> Session
    categories: dict = field(default_factory=dict)  # name -> Category
    sponsors: dict = field(default_factory=dict)  # (name, kind) -> Sponsor
    agencies: dict = field(default_factory=dict)  # code -> Agency
    agencies_by_name: dict = field(default_factory=dict)
    officers: dict = field(default_factory=dict)  # agency pk -> User
    signers: dict = field(default_factory=dict)  # agency pk -> name of the signing head
    supervisors: list = field(default_factory=list)
    sponsor_users: dict = field(default_factory=dict)  # sponsor pk -> User
    created: Counter = field(default_factory=Counter)
    password_changed: list = field(default_factory=list)
    random_passwords: bool = False
    # The passwords set on this run, to print: the known ones, or random ones.
    passwords: dict = field(default_factory=dict)


def person_name(rng: random.Random) -> str:
    return rng.choice(data.SURNAMES) + rng.choice(data.GIVEN_NAMES)


def office_phone(code: str) -> str:
    digits = int.from_bytes(code.encode("utf-8"), "big") % 10_000_000
    return f"0512-6{digits:07d}"[:13]


class ReferenceLoader:
    def __init__(self, *, random_passwords: bool = False):
        self.random_passwords = random_passwords
        self.refs = Refs(random_passwords=random_passwords)

    def _get_or_create(self, model, label: str, defaults=None, **lookup):
        """`label` is a key of CREATED_LABELS, for the summary."""
        obj, created = model.objects.get_or_create(defaults=defaults or {}, **lookup)
        if created:
            self.refs.created[label] += 1
        return obj, created

    @transaction.atomic
    def load(self) -> Refs:
        self.refs.committee = committee = self.load_committee()
        _rules, created = CommitteeRules.objects.get_or_create(committee=committee)
        if created:
            self.refs.created["rules"] += 1
        self.load_sessions()
        self.load_categories()
        self.load_sponsors()
        self.load_agencies()
        self.load_users()
        return self.refs

    def load_committee(self) -> Committee:
        """The city committee: the installation's first committee, given Suzhou's names
        and footer identifiers while it still has the placeholder ones."""
        committee = Committee.objects.order_by("pk").first()
        if committee is None:
            committee = Committee(**data.CITY)
            committee.save()
            self.refs.created["committees"] += 1
        elif committee.slug == "main":
            for name, value in data.CITY.items():
                setattr(committee, name, value)
            committee.save()
        return committee

    def load_sessions(self):
        newest = data.SESSIONS[-1]
        for spec in data.SESSIONS:
            session, _created = self._get_or_create(
                Session,
                "sessions",
                committee=self.refs.committee,
                term=spec.term,
                meeting=spec.meeting,
                defaults={
                    "name": spec.name,
                    "year": spec.year,
                    "opened_on": spec.opened_on,
                    "is_current": spec is newest,
                },
            )
            self.refs.sessions[(spec.term, spec.meeting)] = session

    def load_categories(self):
        for order, (name, _weight) in enumerate(data.CATEGORIES, start=1):
            category, _created = self._get_or_create(
                Category,
                "categories",
                committee=self.refs.committee,
                name=name,
                defaults={"order": order},
            )
            self.refs.categories[name] = category

    def load_sponsors(self):
        emails = {name: f"{code}@example.org" for name, code in data.PARTIES}
        emails[data.FEDERATION[0]] = f"{data.FEDERATION[1]}@example.org"
        for ref in all_sponsors():
            sponsor, _created = self._get_or_create(
                Sponsor,
                "sponsors",
                committee=self.refs.committee,
                name=ref.name,
                kind=ref.kind,
                defaults={"affiliation": ref.affiliation, "email": emails.get(ref.name, "")},
            )
            self.refs.sponsors[(ref.name, ref.kind)] = sponsor

    def load_agencies(self):
        for code, name, short in data.AGENCIES:
            agency, _created = self._get_or_create(
                Agency,
                "agencies",
                committee=self.refs.committee,
                name=name,
                defaults={"short_name": short, "email": f"{code}@example.gov.cn"},
            )
            self.refs.agencies[code] = agency
            self.refs.agencies_by_name[name] = agency
            rng = random.Random(f"{SEED}-{code}")
            self.refs.signers[agency.pk] = person_name(rng)
            officer = self.user(
                code,
                role=UserRole.OFFICER,
                display_name=person_name(rng),
                phone=office_phone(code),
                email=f"{code}.officer@example.gov.cn",
            )
            AgencyMembership.objects.get_or_create(user=officer, defaults={"agency": agency})
            self.refs.officers[agency.pk] = officer

    def load_users(self):
        group, created = Group.objects.get_or_create(name=STAFF_GROUP)
        if created:
            self.refs.created["groups"] += 1
        wanted = {
            permission
            for permission in Permission.objects.filter(content_type__app_label__in=STAFF_APPS)
            if permission.codename.split("_", 1)[0] in STAFF_ACTIONS
        }
        for app_label, codename in STAFF_EXTRA_PERMISSIONS:
            wanted |= set(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        missing = wanted - set(group.permissions.all())
        if missing:  # new models since the last run get their permissions too
            group.permissions.add(*missing)
            self.refs.created["permissions"] += len(missing)

        self.refs.staff = self.user(
            "staff",
            role=UserRole.STAFF,
            is_staff=True,
            display_name="王晓梅",
            email="staff@example.org",
            phone="0512-65230001",
        )
        if created or not self.refs.staff.groups.filter(pk=group.pk).exists():
            self.refs.staff.groups.add(group)
        self.refs.admin = self.user(
            "admin",
            role=UserRole.ADMIN,
            is_staff=True,
            is_superuser=True,
            display_name="系统管理员",
            email="admin@example.org",
        )
        self.user(
            "security",
            role=UserRole.SECURITY_ADMIN,
            is_staff=True,
            display_name="安全管理员",
            email="security@example.org",
        )
        self.user("auditor", role=UserRole.AUDIT_ADMIN, display_name="审计管理员")
        for username, name, title in data.SUPERVISORS:
            self.refs.supervisors.append(
                self.user(username, role="", display_name=f"{name}（{title}）")
            )
        zhigong = self.refs.sponsors[("市致公党", "party")]
        user = self.user(
            "zhigong",
            role=UserRole.SPONSOR,
            display_name="致公党苏州市委会",
            email="zhigong.user@example.org",
        )
        SponsorAccount.objects.get_or_create(user=user, defaults={"sponsor": zhigong})
        self.refs.sponsor_users[zhigong.pk] = user

    def user(self, username: str, **fields) -> User:
        """Find a user by username or create it: a demo login gets its known password (a
        random one with random_passwords), every other demo user an unusable one."""
        user = User.objects.filter(username=username).first()
        login = LOGINS.get(username)
        if user is not None:
            if login and not self.random_passwords and not user.check_password(login.password):
                self.refs.password_changed.append(username)
            return user
        if not fields.get("is_superuser"):
            fields.setdefault("committee", self.refs.committee)
        user = User(username=username, **fields)
        if login:
            password = random_password() if self.random_passwords else login.password
            validate_password(password, user)
            user.set_password(password)
            self.refs.passwords[username] = password
        else:
            user.set_unusable_password()
        user.save()
        self.refs.created["users"] += 1
        return user
