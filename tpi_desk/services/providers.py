"""Providers (users who document sessions): find, list, and add the ones an import names."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.record import ProviderFacts, Role
from tpi_desk.clinical.validation import validate_provider
from tpi_desk.models.people import User
from tpi_desk.services.database_errors import database_errors_as_user_errors
from tpi_desk.services.dto import ProviderRecord
from tpi_desk.services.errors import ValidationFailed
from tpi_desk.services.record_mapping import provider_record

# Credentials that make a user a physician; anything else documenting sessions is an NP/PA.
PHYSICIAN_CREDENTIALS = frozenset({"MD", "DO"})


def role_for_credentials(credentials: str) -> Role:
    words = {word.strip(" .").upper() for word in credentials.replace(",", " ").split()}
    return Role.PHYSICIAN if words & PHYSICIAN_CREDENTIALS else Role.NURSE_PRACTITIONER


class ProviderService:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def add(self, facts: ProviderFacts, role: Role | None = None) -> ProviderRecord:
        problems = validate_provider(facts)
        if problems:
            raise ValidationFailed(problems)
        with (
            database_errors_as_user_errors("add the provider"),
            self._session_factory.begin() as db,
        ):
            return provider_record(find_or_add_provider(db, facts, role))

    def clinicians(self) -> list[ProviderRecord]:
        """Active users who may document sessions, by name."""
        query = (
            select(User)
            .where(User.active, User.role.in_([Role.PHYSICIAN, Role.NURSE_PRACTITIONER]))
            .order_by(User.display_name)
        )
        with database_errors_as_user_errors("list providers"), self._session_factory() as db:
            return [provider_record(row) for row in db.scalars(query)]


def find_or_add_provider(db: Session, facts: ProviderFacts, role: Role | None = None) -> User:
    """The user with ``facts.username``, added (without a password) if unknown."""
    row = db.scalar(select(User).where(User.username == facts.username))
    if row is None:
        row = User(
            username=facts.username,
            display_name=facts.display_name,
            credentials=facts.credentials,
            npi=facts.npi,
            role=role or role_for_credentials(facts.credentials),
            active=True,
        )
        db.add(row)
        db.flush()
    return row
