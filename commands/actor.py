"""Who is acting, and what their roles allow."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Role(StrEnum):
    ADMIN = "admin"
    SECURITY_REVIEWER = "security_reviewer"
    APPROVER = "approver"


class Actor(BaseModel):
    """A person (by Slack user id) and the roles the workspace gave them."""

    model_config = ConfigDict(frozen=True)

    user_id: str
    roles: frozenset[Role] = frozenset()

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    def has(self, role: Role) -> bool:
        return role in self.roles


SYSTEM = Actor(user_id="patchbay", roles=frozenset({Role.ADMIN}))
