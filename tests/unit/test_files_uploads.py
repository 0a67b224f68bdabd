"""What an upload request may ask for, on its own: the grouping's allow-list, public or not, and
the object path its name becomes (never the token)."""

import pytest

from files.models.receipts import (
    CreateUpload,
)
from files.uploads import check_request, config
from shared.errors import InvalidArgument
from tests.support.files_receipts import (
    TENANT,
)


# -- the grouping allow-list -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"grouping_id": "nope"}, "groupingId"),
        ({"content_type": "application/x-msdownload"}, "contentType"),
        ({"grouping_id": "avatars", "content_type": "application/pdf"}, "contentType"),
        ({"size": 10**12}, "size"),
    ],
)
def test_the_grouping_refuses_what_it_does_not_allow_naming_the_field(changes, field):
    request = CreateUpload.model_validate(
        {"file_name": "a.png", "content_type": "image/png", "size": 10}
        | {"grouping_id": "attachments"}
        | changes
    )
    with pytest.raises(InvalidArgument) as refused:
        check_request(request, config())
    assert refused.value.details["fields"][0]["field"] == field


def test_an_upload_is_public_as_its_grouping_unless_it_says_otherwise():
    base = {"file_name": "a.png", "content_type": "image/png", "size": 10}
    avatar = CreateUpload.model_validate(base | {"grouping_id": "avatars"})
    private_avatar = CreateUpload.model_validate(base | {"grouping_id": "avatars", "public": False})
    attachment = CreateUpload.model_validate(base | {"grouping_id": "attachments"})
    assert check_request(avatar, config()) is True
    assert check_request(private_avatar, config()) is False
    assert check_request(attachment, config()) is False


def test_a_private_grouping_refuses_an_upload_asking_to_be_public_naming_public():
    base = {"file_name": "a.png", "content_type": "image/png", "size": 10, "public": True}
    for grouping in ("attachments", "reviewed"):
        request = CreateUpload.model_validate(base | {"grouping_id": grouping})
        with pytest.raises(InvalidArgument) as refused:
            check_request(request, config())
        assert refused.value.details["fields"][0]["field"] == "public"
    avatar = CreateUpload.model_validate(base | {"grouping_id": "avatars"})
    assert check_request(avatar, config()) is True


def test_an_object_path_names_tenant_grouping_file_and_name_but_no_token():
    from files.uploads import object_path

    assert object_path(TENANT, "attachments", "f1", "a.png", public=False) == (
        "content/t1/attachments/f1/a.png"
    )
    assert object_path(TENANT, "avatars", "f1", "a.png", public=True) == (
        "assets/t1/avatars/f1/a.png"
    )


@pytest.mark.parametrize(
    "name",
    [
        "a/b.png",
        "a\\b.png",
        "a\x85b.png",  # C1 (next line)
        "a\x9bb.png",  # C1 (control sequence introducer)
        "a\u2028b.png",
        "a\u2029b.png",
        "invoice\u202egnp.exe",  # right-to-left override
        "a\u2066b\u2069.png",  # an isolate
        "\u200ba.png",
        "a.png\u200d",
        "\ufeffa.png",
    ],
)
def test_a_file_name_that_could_pass_for_another_or_break_a_path_is_refused(name):
    with pytest.raises(ValueError, match=r"file_name|fileName"):
        CreateUpload.model_validate(
            {"file_name": name, "content_type": "image/png", "size": 10, "grouping_id": "x"}
        )


def test_a_zero_width_joiner_inside_a_name_is_kept():
    req = CreateUpload.model_validate(
        {"file_name": "fam\u200dily.png", "content_type": "image/png", "size": 10}
        | {"grouping_id": "attachments"}
    )
    assert req.file_name == "fam\u200dily.png"


def test_a_name_whose_object_path_exceeds_1024_utf8_bytes_is_refused_naming_file_name(
    monkeypatch,
):
    from files import objects, uploads
    from shared.repository import CollectionRepository

    def no_io(*args, **kwargs):
        raise AssertionError("signed or opened a session for a refused upload")

    monkeypatch.setattr(CollectionRepository, "new_id", lambda self: "f" * 20)
    monkeypatch.setattr(objects, "upload_url", no_io)
    monkeypatch.setattr(objects, "resumable_session", no_io)
    monkeypatch.setattr(uploads, "in_transaction", no_io)
    request = CreateUpload.model_validate(
        {"file_name": "\U0001f600" * 250 + ".png", "content_type": "image/png", "size": 10}
        | {"grouping_id": "attachments"}
    )  # 1,004 bytes: under the field's 255 characters, over the path's 1,024 bytes
    with pytest.raises(InvalidArgument) as refused:
        uploads.create_upload(TENANT, "u1", request)
    assert refused.value.details["fields"][0]["field"] == "fileName"
    path = uploads.object_path(TENANT, "attachments", "f" * 20, "a" * 900, public=False)
    assert uploads.check_object_path(path) == path
