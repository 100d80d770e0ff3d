"""Every Slack id the app uses: commands, callback ids, action ids and block ids."""

from __future__ import annotations

from enum import StrEnum


class Command(StrEnum):
    PATCHBAY = "/patchbay"


class Event(StrEnum):
    """Events API events the app subscribes to (manifest.yml's bot_events)."""

    APP_HOME_OPENED = "app_home_opened"
    APP_UNINSTALLED = "app_uninstalled"
    TOKENS_REVOKED = "tokens_revoked"


class Callback(StrEnum):
    """callback_id of each modal."""

    TOOL_ADD = "tool_add"
    TOOL_EDIT = "tool_edit"
    TOOL_OWNER = "tool_owner"
    PROPOSE = "propose"
    PROPOSAL_EDIT = "proposal_edit"
    SECURITY_REVIEW = "security_review"
    STEP_REASON = "step_reason"
    SANDBOX = "sandbox"
    SECURITY_CHANGE = "security_change"
    REVIEW_ANSWER = "review_answer"
    FLOW_ADD = "flow_add"
    MEASURES = "measures"
    SETTINGS = "settings"
    TEARDOWN_NOT_APPLICABLE = "teardown_not_applicable"
    RUN_TOKEN = "run_token"
    RENEW = "renew"
    ASSESS = "assess"
    REPLACE = "replace"


class Action(StrEnum):
    """action_id of each button, select and picker."""

    TOOL_EDIT = "tool_edit"
    TOOL_OWNER = "tool_owner"
    TOOL_RETIRE = "tool_retire"
    TOOL_RETIRE_WITH_DEPENDENTS = "tool_retire_with_dependents"
    TOOLS_PREV = "tools_prev"
    TOOLS_NEXT = "tools_next"
    PROPOSAL_EDIT = "proposal_edit"
    QUEUE_PREV = "queue_prev"
    QUEUE_NEXT = "queue_next"
    REGISTER_MISSING_TOOL = "register_missing_tool"
    REVIEW_KEEP = "review_keep"
    REVIEW_NEEDS_CHANGES = "review_needs_changes"
    REVIEW_RETIRE = "review_retire"
    KEY_ROTATED = "key_rotated"
    REASSIGN = "reassign"
    FLOW_PROPOSE = "flow_propose"
    RECORD_MEASURES = "record_measures"
    HOME_MORE = "home_more"
    TEARDOWN_DONE = "teardown_done"
    TEARDOWN_NOT_APPLICABLE = "teardown_not_applicable"
    CONNECT_RUNS = "connect_runs"
    INCIDENT_ACK = "incident_ack"
    INCIDENT_SNOOZE = "incident_snooze"
    CHECK_IN_GOOD = "check_in_good"
    CHECK_IN_INVESTIGATE = "check_in_investigate"
    TOOL_ASSESS = "tool_assess"
    RENEWAL_RENEW = "renewal_renew"
    RENEWAL_REPLACE = "renewal_replace"
    RENEWAL_DROP = "renewal_drop"
    RENEWAL_PROPOSE = "renewal_propose"
    RENEWALS_PREV = "renewals_prev"
    RENEWALS_NEXT = "renewals_next"


STEP_PREFIX = "step_"


def step_action(step: str) -> str:
    """The action_id of a lifecycle step's button: `step_` and the step's name."""
    return STEP_PREFIX + step


class Block(StrEnum):
    """block_id of each input; a form field's block_id is the field's name."""

    NAME = "name"
    CATEGORY = "category"
    OWNER = "owner_id"
    DATA_KINDS = "data_kinds"
    DATA_OTHER = "data_other"
    INTEGRATION_OPTIONS = "integration_options"
    VENDOR_URL = "vendor_url"
    MONTHLY_COST = "monthly_cost"
    NOTES = "notes"
    RENEWS_ON = "renews_on"
    AUTO_RENEWS = "auto_renews"
    SUCCESSOR = "successor_id"
    SUCCESSOR_NAME = "successor_name"
    RECEIVES_FROM = "receives_from"
    SENDS_TO = "sends_to"
    TITLE = "title"
    PURPOSE = "purpose"
    SOURCE_TOOL = "source_tool_id"
    TARGET_TOOL = "target_tool_id"
    TRIGGER = "trigger"
    ACTIONS = "actions"
    MAPPING = "mapping"
    DIRECTION = "direction"
    SOURCE_OF_TRUTH = "source_of_truth"
    CONFLICT_RULE = "conflict_rule"
    TIMING = "timing"
    BATCH_MINUTES = "batch_minutes"
    METHOD = "method"
    METHOD_REASON = "method_reason"
    EFFORT_HOURS = "effort_hours"
    FREQUENCY = "frequency"
    IMPACT = "impact"
    FEASIBILITY = "feasibility"
    HOURS_PER_WEEK = "hours_per_week"
    CONFIRM_SIMILAR = "confirm_similar"
    SCOPES = "scopes"
    ACCESS_LEVEL = "access_level"
    CREDENTIAL_TYPE = "credential_type"
    CREDENTIAL_STORAGE = "credential_storage"
    DATA_CLASSES = "data_classes"
    ATTESTATIONS = "attestations"
    IN_TRANSIT = "encrypted_in_transit"
    AT_REST = "encrypted_at_rest"
    ROTATION_DAYS = "rotation_days"
    OUTCOME = "outcome"
    REASON = "reason"
    CHECKLIST = "checklist"
    STEPS = "steps"
    STILL_SERVES = "still_serves"
    DATA_QUALITY_OK = "data_quality_ok"
    INCIDENTS = "incidents"
    CONFIRM_RETIRE = "confirm_retire"
    MISSING_TOOL = "missing_tool"
    DATA = "data"
    FLOW_MODE = "mode"
    FLOW_INTEGRATION = "integration_id"
    TIMES_PER_WEEK = "times_per_week"
    MINUTES_EACH = "minutes_each"
    DONE_BY = "done_by"
    HOURS_SAVED = "hours_saved_per_week"
    ERRORS_AVOIDED = "errors_avoided"
    FRESHNESS = "freshness_minutes"
    MEASURE_BUTTONS = "measure_buttons"
    HOURLY_RATE = "hourly_rate"
    CURRENCY = "currency"
    MAINTENANCE_PCT = "maintenance_pct"
    PAYBACK_MONTHS = "payback_months"
    INFLIGHT_CAP = "inflight_cap"
    FOCUS_SIZE = "focus_size"
    SENSITIVE_APPROVALS = "sensitive_approvals"
    REVIEW_INTERVAL_DAYS = "review_interval_days"
    LOW_RISK_REVIEW_INTERVAL_DAYS = "low_risk_review_interval_days"
    ALIGN_REVIEWS_TO_QUARTERS = "align_reviews_to_quarters"
    NUDGE_AFTER_DAYS = "nudge_after_days"
    ESCALATE_AFTER_DAYS = "escalate_after_days"
    REVIEW_REMINDER_DAYS = "review_reminder_days"
    REVIEW_ESCALATE_DAYS = "review_escalate_days"
    GOVERNANCE_CHANNEL = "governance_channel"
    RUN_BUTTONS = "run_buttons"
    INCIDENT_BUTTONS = "incident_buttons"
    CHECK_IN_BUTTONS = "check_in_buttons"
    RENEWAL_BUTTONS = "renewal_buttons"


TEARDOWN_BLOCK_PREFIX = "teardown_"


def teardown_block(item_id: int) -> str:
    """The block_id of one teardown item's buttons (unique within the card)."""
    return f"{TEARDOWN_BLOCK_PREFIX}{item_id}"


class Field(StrEnum):
    """action_id of the element inside an input block: one per element kind."""

    VALUE = "value"
    TOOL_PICK = "tool_pick"
