"""Moving models between apps without copying a row: the content types follow the models.

A model moved with ``SeparateDatabaseAndState`` keeps its table; :func:`move_content_types` re-labels its
``django_content_type`` row, so the permissions on it (and the groups holding them) and audit events that point at
it by content type id keep working. It runs inside ``migrate``, before ``post_migrate`` would create new content
types for the new app label.
"""

from __future__ import annotations

from django.db import migrations


def move_content_types(from_app: str, to_app: str, models: list[str]) -> migrations.RunPython:
    """A migration operation that re-labels the content types of ``models`` from ``from_app`` to ``to_app``."""

    def relabel(source: str, target: str):
        def run(apps, schema_editor):
            ContentType = apps.get_model("contenttypes", "ContentType")
            db = schema_editor.connection.alias
            names = [name.lower() for name in models]
            moving = set(
                ContentType.objects.using(db).filter(app_label=source, model__in=names).values_list("model", flat=True)
            )
            # A content type created under the target label meanwhile holds nothing of value yet: the old one wins.
            ContentType.objects.using(db).filter(app_label=target, model__in=moving).delete()
            ContentType.objects.using(db).filter(app_label=source, model__in=moving).update(app_label=target)
            ContentType.objects.clear_cache()

        return run

    return migrations.RunPython(relabel(from_app, to_app), relabel(to_app, from_app), elidable=False)
