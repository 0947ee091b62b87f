"""Key tags through boto3 and the AWS CLI: TagResource, UntagResource,
ListResourceTags, tags on CreateKey, AWS's limits and errors, and
conditions on aws:ResourceTag."""

import json
import uuid

from conftest import assert_client_error, aws, aws_json
from iam_support import allow, assert_access_denied, create_user, doc


def tags_of(kms, key_id, **kw):
    return kms.list_resource_tags(KeyId=key_id, **kw)


def test_tag_untag_and_list(kms):
    key_id = kms.create_key(Tags=[{"TagKey": "team", "TagValue": "blue"}])["KeyMetadata"]["KeyId"]
    kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "env", "TagValue": "prod"}, {"TagKey": "team", "TagValue": "red"}])
    listed = tags_of(kms, key_id)
    assert listed["Tags"] == [{"TagKey": "team", "TagValue": "red"}, {"TagKey": "env", "TagValue": "prod"}]
    assert listed["Truncated"] is False
    kms.untag_resource(KeyId=key_id, TagKeys=["team", "never-set"])
    assert tags_of(kms, key_id)["Tags"] == [{"TagKey": "env", "TagValue": "prod"}]


def test_tags_page_with_markers(kms):
    key_id = kms.create_key(Tags=[{"TagKey": f"k{i:02d}", "TagValue": str(i)} for i in range(7)])["KeyMetadata"]["KeyId"]
    seen, marker = [], None
    while True:
        page = tags_of(kms, key_id, Limit=3, **({"Marker": marker} if marker else {}))
        seen += [t["TagKey"] for t in page["Tags"]]
        if not page["Truncated"]:
            assert "NextMarker" not in page
            break
        marker = page["NextMarker"]
    assert seen == [f"k{i:02d}" for i in range(7)]
    assert_client_error(lambda: tags_of(kms, key_id, Marker="no-such-tag"), "InvalidMarkerException")


def test_limits_and_reserved_prefix_keep_the_tags_unchanged(kms):
    key_id = kms.create_key(Tags=[{"TagKey": f"t{i}", "TagValue": ""} for i in range(50)])["KeyMetadata"]["KeyId"]
    before = tags_of(kms, key_id, Limit=1000)["Tags"]
    assert len(before) == 50
    assert_client_error(lambda: kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "one-more", "TagValue": ""}]), "TagException")
    assert_client_error(lambda: kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "aws:x", "TagValue": ""}]), "TagException")
    assert_client_error(lambda: kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "k" * 129, "TagValue": ""}]), "ValidationException")
    assert_client_error(lambda: kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "k", "TagValue": "v" * 257}]), "ValidationException")
    assert_client_error(
        lambda: kms.create_key(Tags=[{"TagKey": f"t{i}", "TagValue": ""} for i in range(51)]), "TagException"
    )
    # Replacing a value of a key the key already has is no new tag.
    kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "t0", "TagValue": "changed"}])
    after = tags_of(kms, key_id, Limit=1000)["Tags"]
    assert after[0] == {"TagKey": "t0", "TagValue": "changed"} and after[1:] == before[1:]


def test_unknown_key_and_pending_deletion(kms):
    missing = str(uuid.uuid4())
    assert_client_error(lambda: kms.tag_resource(KeyId=missing, Tags=[{"TagKey": "a", "TagValue": "b"}]), "NotFoundException")
    assert_client_error(lambda: tags_of(kms, missing), "NotFoundException")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    assert_client_error(
        lambda: kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "a", "TagValue": "b"}]), "KMSInvalidStateException"
    )
    assert tags_of(kms, key_id)["Tags"] == []


def test_resource_tag_conditions_follow_tag_changes(server, kms):
    key_id = kms.create_key(Tags=[{"TagKey": "team", "TagValue": "blue"}])["KeyMetadata"]["KeyId"]
    alice = create_user(server, policy=doc(allow("kms:Encrypt", condition={"StringEquals": {"aws:ResourceTag/team": "blue"}})))
    alice.kms().encrypt(KeyId=key_id, Plaintext=b"x")
    kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "team", "TagValue": "red"}])
    assert_access_denied(lambda: alice.kms().encrypt(KeyId=key_id, Plaintext=b"x"), principal_arn=alice.arn)


def test_tagging_is_authorized_with_request_tag_conditions(server, kms):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    bob = create_user(
        server, policy=doc(allow(["kms:TagResource", "kms:UntagResource"], condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["cost"]}}))
    )
    bob.kms().tag_resource(KeyId=key_id, Tags=[{"TagKey": "cost", "TagValue": "42"}])
    assert_access_denied(
        lambda: bob.kms().tag_resource(KeyId=key_id, Tags=[{"TagKey": "owner", "TagValue": "bob"}]), principal_arn=bob.arn
    )
    assert_access_denied(lambda: bob.kms().list_resource_tags(KeyId=key_id), principal_arn=bob.arn)
    assert tags_of(kms, key_id)["Tags"] == [{"TagKey": "cost", "TagValue": "42"}]


def test_cli_tags(aws_cli_env):
    key_id = aws_json(aws_cli_env, "kms", "create-key")["KeyMetadata"]["KeyId"]
    assert aws_json(aws_cli_env, "kms", "list-resource-tags", "--key-id", key_id)["Tags"] == []
    aws(aws_cli_env, "kms", "tag-resource", "--key-id", key_id, "--tags", json.dumps([{"TagKey": "app", "TagValue": "cli"}]))
    assert aws_json(aws_cli_env, "kms", "list-resource-tags", "--key-id", key_id)["Tags"] == [{"TagKey": "app", "TagValue": "cli"}]
    aws(aws_cli_env, "kms", "untag-resource", "--key-id", key_id, "--tag-keys", "app")
    assert aws_json(aws_cli_env, "kms", "list-resource-tags", "--key-id", key_id)["Tags"] == []
