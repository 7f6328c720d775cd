"""Token auth and problem documents."""

from __future__ import annotations

from deskchat.crm.check.report import expect
from deskchat.crm.check.session import Session, describe, is_problem, new_id


def token_for_user_and_password(session: Session) -> None:
    pair = session.login()
    for field in ("access_token", "refresh_token", "expires_in", "refresh_expires_in"):
        expect(field in pair, f"the token response lacks {field}")
    expect(pair.get("token_type") == "Bearer", "token_type is not Bearer")
    wrong = session.http.post(f"{session.api}/auth/token", json={"user": session.user, "password": "not-" + new_id()})
    expect(is_problem(wrong, 401), f"a wrong password got {describe(wrong)}, not a 401 problem")


def bearer_required(session: Session) -> None:
    response = session.http.get(f"{session.api}/contacts")
    expect(is_problem(response, 401), f"a request without a token got {describe(response)}, not a 401 problem")
    response = session.http.get(f"{session.api}/contacts", headers={"Authorization": "Bearer not-a-token"})
    expect(is_problem(response, 401), f"an unknown token got {describe(response)}, not a 401 problem")
    response = session.get("/contacts", limit=1)
    expect(response.status_code == 200, f"a fresh access token got {response.status_code}, not 200")


def refresh_rotates(session: Session) -> None:
    old_refresh = session.refresh_token
    response = session.http.post(f"{session.api}/auth/refresh", json={"refresh_token": old_refresh})
    expect(response.status_code == 200, f"POST /auth/refresh answered {response.status_code}, not 200")
    pair = response.json()
    expect(pair["refresh_token"] != old_refresh, "the refresh token did not rotate")
    session.access_token, session.refresh_token = pair["access_token"], pair["refresh_token"]
    expect(session.get("/queues", limit=1).status_code == 200, "the refreshed access token is refused")
    again = session.http.post(f"{session.api}/auth/refresh", json={"refresh_token": old_refresh})
    expect(is_problem(again, 401), f"a rotated-away refresh token got {describe(again)}, not a 401 problem")
    session.login()  # the reuse may have ended the whole family, as it should


def revoke_ends_tokens(session: Session) -> None:
    session.login()
    access, refresh = session.access_token, session.refresh_token
    response = session.http.post(f"{session.api}/auth/revoke", json={"token": access})
    expect(response.status_code in (200, 204), f"POST /auth/revoke answered {response.status_code}")
    after = session.http.get(f"{session.api}/queues", headers={"Authorization": f"Bearer {access}"})
    expect(is_problem(after, 401), f"a revoked access token got {describe(after)}, not a 401 problem")
    response = session.http.post(f"{session.api}/auth/revoke", json={"token": refresh})
    expect(response.status_code in (200, 204), f"revoking a refresh token answered {response.status_code}")
    refreshed = session.http.post(f"{session.api}/auth/refresh", json={"refresh_token": refresh})
    expect(is_problem(refreshed, 401), f"a revoked refresh token got {describe(refreshed)}, not a 401 problem")
    session.login()


def errors_are_problem_json(session: Session) -> None:
    missing = session.get(f"/contacts/{new_id()}")
    expect(is_problem(missing, 404), f"an unknown contact got {describe(missing)}, not a 404 problem")
    bad = session.write("POST", "/contacts", {"id": new_id()}, key=f"check-{new_id()}")
    expect(
        bad.status_code in (400, 422) and is_problem(bad, bad.status_code),
        f"a contact without name got {describe(bad)}, not a 400/422 problem",
    )
    cursor = session.get("/contacts", updated_since="not a cursor")
    expect(is_problem(cursor, 400), f"a forged cursor got {describe(cursor)}, not a 400 problem")
