"""Access matrix, portal column over HTTP: a citizen never reaches another citizen's
request through the portal routes, whether logged in, with a wrong or another file's
tracking code, or by posting to its reply/withdraw/rate/documents routes."""

import uuid

import pytest

from .common import assert_no_server_error


@pytest.fixture(scope="module")
def citizens(target):
    if not target.has_route("/my/requests/1"):
        pytest.skip("the citizen portal (emowaten_portal) is not installed")
    admin = target.admin()
    portal_group = admin.call(
        "ir.model.data",
        "search_read",
        [("module", "=", "base"), ("name", "=", "group_portal")],
        ["res_id"],
    )[0]["res_id"]
    # an office of its own: no other test contends for its reference sequence
    body = admin.call("emowaten.body", "search", [], limit=1)[0]
    suffix = uuid.uuid4().hex[:6].upper()
    office = admin.call(
        "emowaten.office",
        "create",
        {
            "name": f"Portal access office {suffix}",
            "code": f"PA-{suffix}",
            "reference_prefix": f"PA{suffix}",
            "kind": "municipality",
            "body_id": body,
        },
    )
    rtype = admin.call(
        "emowaten.request.type", "search", [("confidential", "=", False)]
    )
    people = []
    for _index in range(2):
        tag = uuid.uuid4().hex[:10]
        partner = admin.call(
            "res.partner",
            "create",
            {
                "name": f"Portal citizen {tag}",
                "emowaten_is_citizen": True,
                "emowaten_cin": f"0{int(tag[:7], 16) % 10**7:07d}",
            },
        )
        login = f"portal_{tag}@example.com"
        admin.call(
            "res.users",
            "create",
            {
                "name": f"Portal citizen {tag}",
                "login": login,
                "password": login,
                "partner_id": partner,
                "group_ids": [(6, 0, [portal_group])],
            },
        )
        marker = f"SECRET-{tag}"
        request_id = admin.call(
            "emowaten.request",
            "create",
            {
                "office_id": office,
                "partner_id": partner,
                "type_id": rtype[0],
                "subject": marker,
                "channel": "counter",
            },
        )
        admin.call("emowaten.request", "action_register", [request_id])
        [values] = admin.call(
            "emowaten.request", "read", [request_id], ["access_token"]
        )
        people.append(
            {
                "login": login,
                "id": request_id,
                "marker": marker,
                "token": values["access_token"],
            }
        )
    return people


def _sees(response, marker):
    return marker in response.text


def test_own_request_is_visible(target, citizens):
    mine = citizens[0]
    client = target.client()
    client.login(mine["login"], mine["login"])
    response = client.get(f"/my/requests/{mine['id']}")
    assert_no_server_error(response, "own request")
    assert _sees(response, mine["marker"]), "positive control: own request not shown"


@pytest.mark.parametrize(
    "how", ["logged in", "wrong token", "other file's token", "anonymous"]
)
def test_another_citizens_request_is_never_shown(target, citizens, how):
    mine, theirs = citizens
    client = target.client()
    path = f"/my/requests/{theirs['id']}"
    if how != "anonymous":
        client.login(mine["login"], mine["login"])
    if how == "wrong token":
        path += "?access_token=" + "X" * 19
    elif how == "other file's token":
        path += "?access_token=" + mine["token"]
    for suffix in ("", "/documents"):
        response = client.get(
            path.replace("?", suffix + "?", 1) if "?" in path else path + suffix
        )
        assert_no_server_error(response, f"{how}: GET {path}{suffix}")
        assert not _sees(response, theirs["marker"]), (
            f"{how}: another citizen's file shown"
        )


def test_another_citizens_request_cannot_be_changed(target, citizens):
    mine, theirs = citizens
    client = target.client()
    client.login(mine["login"], mine["login"])
    token = client.csrf(f"/my/requests/{mine['id']}")
    for action, fields in (
        ("reply", {"message": "hijack"}),
        ("withdraw", {}),
        ("rate", {"score": "1", "comment": "hijack"}),
    ):
        response = client.post_form(
            f"/my/requests/{theirs['id']}/{action}", {"csrf_token": token, **fields}
        )
        assert_no_server_error(response, f"POST {action} on another citizen's file")
    admin = target.admin()
    [values] = admin.call(
        "emowaten.request", "read", [theirs["id"]], ["state", "rating"]
    )
    assert values["state"] != "withdrawn"
    assert not values["rating"]
    messages = admin.call(
        "mail.message",
        "search_count",
        [
            ("model", "=", "emowaten.request"),
            ("res_id", "=", theirs["id"]),
            ("body", "ilike", "hijack"),
        ],
    )
    assert messages == 0
