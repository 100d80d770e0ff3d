"""Who holds which Patchbay role: user ids from settings, or members of a Slack user group."""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.settings import Settings
from commands.actor import Actor, Role

log = logging.getLogger(__name__)


class RoleDirectory:
    """Resolves a Slack user to an Actor, caching user-group membership for a few minutes."""

    def __init__(self, settings: Settings, client: WebClient) -> None:
        self._client = client
        self._ttl = settings.patchbay_role_cache_seconds
        self._ids = {
            Role.ADMIN: settings.patchbay_admins,
            Role.SECURITY_REVIEWER: settings.patchbay_security_reviewers,
            Role.APPROVER: settings.patchbay_approvers,
        }
        self._groups = {
            Role.ADMIN: settings.patchbay_admin_group,
            Role.SECURITY_REVIEWER: settings.patchbay_security_group,
            Role.APPROVER: settings.patchbay_approver_group,
        }
        self._cache: dict[str, tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()

    def actor(self, user_id: str) -> Actor:
        roles = frozenset(role for role in Role if user_id in self.members(role))
        return Actor(user_id=user_id, roles=roles)

    def members(self, role: Role) -> frozenset[str]:
        """Everyone holding `role`: the configured ids plus the user group's members."""
        group = self._groups[role]
        return self._ids[role] | (self._group_members(group) if group else frozenset())

    def _group_members(self, group_id: str) -> frozenset[str]:
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(group_id)
            if cached and now - cached[0] < self._ttl:
                return cached[1]
        try:
            users = self._client.usergroups_users_list(usergroup=group_id)["users"]
            members = frozenset(users or [])
        except SlackApiError as exc:
            log.warning("could not read user group %s: %s", group_id, exc.response.get("error"))
            return cached[1] if cached else frozenset()
        with self._lock:
            self._cache[group_id] = (now, members)
        return members


def has_left(client: WebClient, user_id: str) -> bool:
    """Slack says the person is deactivated (or unknown): they are never sent a DM nor made an owner."""
    try:
        return bool(client.users_info(user=user_id)["user"].get("deleted"))
    except SlackApiError as error:
        if error.response.get("error") == "user_not_found":
            return True
        raise
