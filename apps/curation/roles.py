"""The three roles of the curation team, as permission groups.

- curator: edits the records (sources and citations, states, organisations, mechanisms, participations,
  meetings, documents, discrepancies, review entries) and reads the history and the data-quality report;
  a curator's changes are proposals that wait for an editor (apps/curation/proposals.py);
- editor: a curator who also approves or rejects proposed changes, runs the editorial workflow (review
  editions, the mechanisms an edition leaves out, publishing) and snapshots;
- administrator: an editor who also manages user accounts and their roles.

The public is anonymous and read-only and needs no group.
"""

CURATED = {
    "curation": ["source", "citation"],
    "states": ["state", "statename", "organization", "organizationname"],
    "mechanisms": ["region", "theme", "mechanism", "mechanismname", "participation"],
    "meetings": ["meeting", "document"],
    "reviews": ["discrepancy", "reviewentry"],
}


def _model_permissions(app_label, models, actions=("add", "change", "delete", "view")):
    return [(app_label, f"{action}_{model}") for model in models for action in actions]


CURATOR = [
    *[perm for app_label, models in CURATED.items() for perm in _model_permissions(app_label, models)],
    ("reviews", "view_reviewedition"),
    ("reviews", "view_leftout"),
    ("reviews", "view_snapshot"),
    ("curation", "view_changeset"),
]
EDITOR = [
    *CURATOR,
    *_model_permissions("reviews", ["reviewedition"], ("add", "change")),
    *_model_permissions("reviews", ["leftout"], ("add", "change", "delete")),
    ("reviews", "publish_reviewedition"),
    ("reviews", "add_snapshot"),
    ("curation", "approve_changeset"),
]
ADMINISTRATOR = [
    *EDITOR,
    *_model_permissions("auth", ["user", "group"]),
]
ROLES = {"curator": CURATOR, "editor": EDITOR, "administrator": ADMINISTRATOR}


def sync_roles(apps, *, strict=True):
    """Create the groups and give each exactly its permissions.

    ``apps`` is an app registry (a migration's, or django.apps.apps). With strict=False a permission
    that does not exist yet is skipped: a migration may run before the model it names exists, and
    every ``migrate`` ends by syncing the roles again (CurationConfig.ready). The tests check that
    the roles are complete.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    available = {(p.content_type.app_label, p.codename): p for p in Permission.objects.select_related("content_type")}
    for name, wanted in ROLES.items():
        missing = [f"{app}.{codename}" for app, codename in wanted if (app, codename) not in available]
        if missing and strict:
            raise LookupError(f"Role {name!r} needs permissions that do not exist: {', '.join(missing)}")
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set([available[key] for key in wanted if key in available])
