"""Blobs in an S3-compatible object store, for a registry that outgrows one disk.

Chosen by ``ARTPROOF_BLOB_URL=s3://bucket/prefix``; the folder under the home stays the
default. The object store is reached through boto3, configured the way every AWS tool is
(``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY`` or a profile, ``AWS_DEFAULT_REGION``,
``AWS_ENDPOINT_URL_S3`` for a server that is not AWS: MinIO, Ceph, Garage, moto).

Keys are content addresses (``<prefix>/sha256/ab/cdef...``), so an upload is idempotent: a
retried or duplicated job writes the same object again or finds it there. An object is
written whole or not at all (S3 never shows a partial PUT), its MD5 is checked by the server
on the way in and its SHA-256 by us on the way out: a corrupted object is reported, never
served, exactly as the folder store does.
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from artproof.core.hashing import check_content_id, content_id
from artproof.errors import ConfigError, NotFound, StorageError
from artproof.store.blobs import checked

if TYPE_CHECKING:
    from botocore.client import BaseClient

__all__ = ["S3BlobStore", "parse_s3_url"]


def parse_s3_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` -> (bucket, "some/prefix"); a message naming the setting otherwise."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(
            "ARTPROOF_BLOB_URL is not an object store address",
            value=url,
            hint="write s3://bucket/prefix (the prefix may be empty), or unset it for the folder under the home",
        )
    return parts.netloc, parts.path.strip("/")


class S3BlobStore:
    """The blob store's interface (put, get, has, raw) over one bucket and prefix."""

    def __init__(self, url: str, client: BaseClient | None = None) -> None:
        self.url = url
        self.bucket, self.prefix = parse_s3_url(url)
        self._client = client

    @property
    def client(self) -> BaseClient:
        """The boto3 client, made on first use (importing boto3 costs 0.3 s a command that needs no blob)."""
        if self._client is None:
            try:
                import boto3
                from botocore.config import Config
            except ImportError as exc:
                raise ConfigError(
                    "ARTPROOF_BLOB_URL names an object store but boto3 is not installed",
                    value=self.url,
                    hint="pip install 'artproof[shared]'",
                ) from exc
            config = Config(retries={"max_attempts": 4, "mode": "standard"}, connect_timeout=5, read_timeout=60)
            self._client = boto3.client("s3", config=config)
        return self._client

    def where(self) -> str:
        return self.url

    def key_of(self, blob_id: str) -> str:
        digest = check_content_id(blob_id).removeprefix("sha256:")
        return "/".join(p for p in (self.prefix, "sha256", digest[:2], digest[2:]) if p)

    def put(self, data: bytes) -> str:
        blob_id = content_id(data)
        if self.has(blob_id):
            return blob_id
        md5 = base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()
        self._call("write", blob_id, lambda: self.client.put_object(
            Bucket=self.bucket, Key=self.key_of(blob_id), Body=data, ContentMD5=md5,
            ContentType="application/octet-stream",
        ))  # fmt: skip
        return blob_id

    def raw(self, blob_id: str) -> bytes:
        """The stored bytes, unchecked (a condition check compares them itself)."""
        response = self._call(
            "read", blob_id, lambda: self.client.get_object(Bucket=self.bucket, Key=self.key_of(blob_id))
        )
        return self._call("read", blob_id, lambda: response["Body"].read())  # type: ignore[no-any-return]

    def get(self, blob_id: str) -> bytes:
        restore = f"restore s3://{self.bucket}/{self.key_of(blob_id)} from a backup or a replica"
        return checked(blob_id, self.raw(blob_id), restore)

    def has(self, blob_id: str) -> bool:
        try:
            self._call("read", blob_id, lambda: self.client.head_object(Bucket=self.bucket, Key=self.key_of(blob_id)))
        except NotFound:
            return False
        return True

    def check(self) -> str:
        """Reach the bucket (``artproof doctor``); returns what was reached."""
        self._call("reach", self.url, lambda: self.client.head_bucket(Bucket=self.bucket))
        return f"bucket {self.bucket} reachable at {self.client.meta.endpoint_url}"

    def _call(self, doing: str, value: str, action: Any) -> Any:
        """Run one request; the object store's errors become messages that say what to do."""
        from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError

        try:
            return action()
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code == "NoSuchBucket" or (doing == "reach" and status == 404):
                raise ConfigError(
                    "the object store has no such bucket",
                    value=self.bucket,
                    hint="create it (aws s3 mb s3://BUCKET) or correct ARTPROOF_BLOB_URL",
                ) from None
            if code in ("NoSuchKey", "404", "NotFound"):
                raise NotFound(
                    "image is missing from the object store",
                    value=value,
                    hint=f"restore it to s3://{self.bucket}/{self.key_of(value)} from a backup or a replica",
                ) from None
            if code in ("AccessDenied", "403", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
                raise StorageError(
                    f"the object store refused to {doing}: {code}",
                    value=self.url,
                    hint="check the AWS credentials and the bucket's policy; nothing was recorded",
                ) from None
            raise StorageError(
                f"the object store failed to {doing}: {code or exc}",
                value=value,
                hint="try again; nothing was recorded",
            ) from None
        except NoCredentialsError:
            raise ConfigError(
                "no credentials for the object store",
                value=self.url,
                hint="set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)",
            ) from None
        except EndpointConnectionError as exc:
            raise StorageError(
                "the object store cannot be reached",
                value=str(getattr(exc, "kwargs", {}).get("endpoint_url", self.url)),
                hint="check AWS_ENDPOINT_URL_S3 and that the server is running; nothing was recorded",
            ) from None
        except BotoCoreError as exc:
            raise StorageError(
                f"the object store failed to {doing}: {exc}", value=value, hint="try again; nothing was recorded"
            ) from None
