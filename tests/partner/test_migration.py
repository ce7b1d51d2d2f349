"""Migration 0008: every partner with links of before gets their one link; old links still work."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from practice.extensions import db
from practice.partner import access
from practice.partner.models import PartnerAccess
from practice.timeutil import utcnow
from tests.factories import make_counselor, make_couple
from tests.partner.test_access import _legacy_link


def test_partners_with_old_links_get_one_link_and_old_links_open_their_home(app_config):
    from practice import create_app

    app = create_app(app_config)
    with app.app_context():
        # The data is made with today's models, then the schema goes back to before 0008:
        # rows made at an old revision would not fit models that have since grown columns.
        upgrade()
        counselor = make_counselor()
        couple = make_couple(counselor)
        archived = make_couple(counselor, ("Cleo Ray", "Dev Patel"), status="archived")
        make_couple(counselor, ("No", "Homework"))
        ana, ben = couple.partners
        first, _, ana_old = _legacy_link(couple, ana, due_in_days=3)
        _, _, ana_later = _legacy_link(couple, ana, due_in_days=20)
        _, _, ben_old = _legacy_link(couple, ben, due_in_days=3)
        _legacy_link(archived, archived.partners[0])
        db.session.commit()
        ids = {"ana": ana.id, "ben": ben.id, "cleo": archived.partners[0].id}
        db.session.remove()
        downgrade(revision="0007_sealed_totp_secrets")

        upgrade()

        rows = {row.partner_id: row for row in db.session.execute(select(PartnerAccess)).scalars()}
        assert set(rows) == set(ids.values())  # one each, none for partners without links
        now = utcnow()
        # Old links keep working and lead to the partner; the new one works too.
        assert access.find_access(ana_old, now).partner_id == ids["ana"]
        assert access.find_access(ana_later, now).partner_id == ids["ana"]
        assert access.find_access(ben_old, now).partner_id == ids["ben"]
        new = access.current_token(rows[ids["ana"]], app.config["SECRET_KEY"], now)
        assert new and access.find_access(new, now).legacy_assignment_id is None
        # As long as the longest-lived old link.
        assert rows[ids["ana"]].expires_at > rows[ids["ben"]].expires_at
        assert rows[ids["cleo"]].revoked_reason == "archived"
        # A new access row after the migration's explicit ids does not collide.
        fresh = make_couple(counselor, ("Eve", "Finn"))
        row, _ = access.issue_access(
            fresh.partners[0], secret_key="k", now=now, expires_at=rows[ids["ana"]].expires_at
        )
        assert row.id > max(rows.values(), key=lambda r: r.id).id
        db.session.rollback()
        db.session.remove()

        downgrade(revision="0007_sealed_totp_secrets")
        upgrade()
        assert access.find_access(ana_old, utcnow()).partner_id == ids["ana"]
        db.session.remove()
        db.engine.dispose()
