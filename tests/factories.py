"""factory_boy factories for the domain. Tests build what they need from these."""

import datetime as dt

import factory
from django.utils import timezone

from accounts.models import Role, User
from committees.models import Committee, Level
from proposals.models import (
    Category,
    Proposal,
    Session,
    Sponsor,
    SponsorAccount,
    SponsorKind,
    Sponsorship,
    Status,
)
from responses.models import (
    Agency,
    AgencyMembership,
    Assignment,
    Notification,
    Reminder,
    ReminderKind,
    Reply,
    ReplyStatus,
)
from responses.models import Role as AssignmentRole


def home_committee() -> Committee:
    """The committee an installation starts with (committees 0001); made again after a
    transactional test flushed it."""
    committee, _created = Committee.objects.get_or_create(
        slug="main",
        defaults={
            "region": "苏州市",
            "name": "中国人民政治协商会议苏州市委员会",
            "short_name": "苏州市政协",
        },
    )
    return committee


class CommitteeFactory(factory.django.DjangoModelFactory):
    """A district committee under the home committee."""

    class Meta:
        model = Committee
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"district{n}")
    region = factory.Sequence(lambda n: f"第{n}区")
    name = factory.LazyAttribute(lambda o: f"政协苏州市{o.region}委员会")
    short_name = factory.LazyAttribute(lambda o: f"{o.region}政协")
    level = Level.DISTRICT
    parent = factory.LazyFunction(home_committee)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session
        django_get_or_create = ("committee", "term", "meeting")

    committee = factory.LazyFunction(home_committee)
    term = 15
    meeting = factory.Sequence(lambda n: n + 1)
    year = factory.LazyAttribute(lambda o: 2021 + o.meeting)
    name = factory.LazyAttribute(lambda o: f"第{o.term}届委员会第{o.meeting}次会议")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("committee", "name")

    committee = factory.LazyFunction(home_committee)
    name = "经济"


class SponsorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sponsor
        django_get_or_create = ("committee", "name", "kind")

    committee = factory.LazyFunction(home_committee)
    name = factory.Sequence(lambda n: f"委员{n}")
    kind = SponsorKind.MEMBER


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("committee", "name")

    committee = factory.LazyFunction(home_committee)
    name = factory.Sequence(lambda n: f"苏州市第{n}局")
    email = factory.Sequence(lambda n: f"agency{n}@example.gov.cn")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    committee = factory.LazyFunction(home_committee)
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("pw-for-tests-1")
    role = Role.STAFF


class OfficerFactory(UserFactory):
    """An agency officer: the login, and its AgencyMembership in `agency` (a new agency
    when none is given)."""

    role = Role.OFFICER

    @factory.post_generation
    def agency(self, create, extracted, **kwargs):
        if create:
            AgencyMembership.objects.update_or_create(
                user=self, defaults={"agency": extracted or AgencyFactory()}
            )


class SponsorUserFactory(UserFactory):
    """A sponsor's login, and its SponsorAccount for `sponsor` (a new sponsor when none
    is given)."""

    role = Role.SPONSOR

    @factory.post_generation
    def sponsor(self, create, extracted, **kwargs):
        if create:
            SponsorAccount.objects.update_or_create(
                user=self, defaults={"sponsor": extracted or SponsorFactory()}
            )


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal
        skip_postgeneration_save = True

    session = factory.SubFactory(SessionFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"关于推进第{n}项工作的建议")
    body = "建议内容。"
    category = factory.SubFactory(CategoryFactory)
    status = Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def lead_sponsor(self, create, extracted, **kwargs):
        if not create:
            return
        sponsor = extracted or SponsorFactory()
        Sponsorship.objects.create(proposal=self, sponsor=sponsor, is_lead=True)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    proposal = factory.SubFactory(ProposalFactory, status=Status.ASSIGNED)
    agency = factory.SubFactory(AgencyFactory)
    role = AssignmentRole.LEAD
    assigned_at = factory.LazyFunction(timezone.now)
    deadline = factory.LazyAttribute(
        lambda o: timezone.localdate(o.assigned_at) + dt.timedelta(days=91)
    )


class ReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reply

    assignment = factory.SubFactory(AssignmentFactory)
    classification = "A"
    replied_at = factory.LazyFunction(timezone.now)
    signer = "张局长"
    status = ReplyStatus.CONFIRMED


class ReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reminder

    assignment = factory.SubFactory(AssignmentFactory)
    kind = ReminderKind.BEFORE
    days_left = 7
    deadline = factory.LazyAttribute(lambda o: o.assignment.deadline)
    due_on = factory.LazyAttribute(lambda o: o.deadline - dt.timedelta(days=o.days_left))


class NotificationFactory(factory.django.DjangoModelFactory):
    """A reminder's notification; its words are composed from the reminder when shown."""

    class Meta:
        model = Notification

    reminder = factory.SubFactory(ReminderFactory)
    assignment = factory.LazyAttribute(lambda o: o.reminder.assignment)
    kind = factory.LazyAttribute(lambda o: o.reminder.kind)
