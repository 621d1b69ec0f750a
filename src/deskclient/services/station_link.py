"""How this station reaches the county office: the one way to build its sync client and bundle.

The desk's exit screen, the background sync, close-day, ``deskclient sync`` and ``deskclient
export-bundle`` all come here, so they all use the station identity the context resolved once
(``ctx.station``: code from the station row, office address from settings.toml or the first-run
wizard, token from settings.toml). Before, each of them read the settings its own way and a
wizard-configured station synced from the desk but not from its nightly job.
The protocol itself is :mod:`deskclient.services.sync` / :mod:`deskclient.services.bundle`.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from deskclient.domain.errors import DeskError, ValidationError
from deskclient.strings import desk as TD
from deskclient.strings import sync as T

if TYPE_CHECKING:
    from deskclient.services.bundle import BundleInfo
    from deskclient.services.context import DeskContext, StationIdentity
    from deskclient.services.sync import ProgressCallback, SyncClient, SyncResult, UpdateResult


class StationLink:
    """Sync, bundle export and updates for one desk; training never syncs."""

    def __init__(self, ctx: DeskContext) -> None:
        self.ctx = ctx

    def identity(self, *, url: str | None = None, token: str | None = None, code: str | None = None
                 ) -> StationIdentity:
        """The resolved identity, with one-off command-line overrides (``--url/--token/--station``)."""
        st = self.ctx.station
        return replace(st, office_url=(url or st.office_url).strip(), token=(token or st.token).strip(),
                       code=(code or st.code).strip())

    @property
    def enabled(self) -> bool:
        """This desk may sync: not training, and an office address and token are known."""
        return not self.ctx.is_training and self.ctx.station.can_sync

    def client(self, *, timeout_s: float | None = None, identity: StationIdentity | None = None
               ) -> SyncClient | None:
        """The station's sync client, or None where this desk must not sync (training, no office set)."""
        st = identity or self.ctx.station
        if self.ctx.is_training or not st.can_sync:
            return None
        from deskclient.services.sync import SyncClient

        return SyncClient(self.ctx.engine, st.office_url, st.token, st.code,
                          timeout_s=timeout_s or self.ctx.settings.central.exit_sync_timeout_s,
                          data_dir=self.ctx.paths.data_dir)  # main: the station reports its data versions

    def sync_once(self, progress: ProgressCallback | None = None, *, deadline: float | None = None,
                  request_timeout_s: float | None = None, identity: StationIdentity | None = None) -> SyncResult:
        """One sync run until ``deadline`` (``time.monotonic()``); never raises on network trouble (the
        result says what happened, in Chinese)."""
        from deskclient.services.sync import SyncResult

        client = self.client(timeout_s=request_timeout_s, identity=identity)
        if client is None:
            return SyncResult(ok=False, remaining=self.pending(), offline=True, message=T.NOT_CONFIGURED)
        return client.sync_once(progress, deadline)

    def check_updates(self, *, deadline: float | None = None, identity: StationIdentity | None = None
                      ) -> UpdateResult | None:
        """Catalog and holiday updates from the office (None where this desk must not sync)."""
        client = self.client(identity=identity)
        if client is None:
            return None
        return client.check_updates(self.ctx.paths.data_dir, deadline)

    def close_day_sync(self) -> tuple[bool | None, str]:
        """One bounded attempt at closing; offline is normal and the records stay safe locally.
        ``(None, message)`` when no office is configured."""
        central = self.ctx.settings.central
        if not self.enabled:
            return None, TD.SYNC_NOT_CONFIGURED
        try:
            result = self.sync_once(deadline=time.monotonic() + max(1.0, central.exit_sync_timeout_s * 2),
                                    request_timeout_s=central.exit_sync_timeout_s)
        except DeskError as err:
            return False, err.message
        except Exception as err:  # sync_once does not raise; closing the day must not fail on it
            return False, TD.SYNC_FAILED.format(error=type(err).__name__)
        return bool(result.ok), result.message

    def export_bundle(self, path: Path, *, identity: StationIdentity | None = None) -> BundleInfo | None:
        """The USB fallback: every pending event in a signed file (None when nothing is pending).

        Refused (ValidationError) without a token: the office checks the bundle's signature with it."""
        from deskclient.services.bundle import export_bundle

        st = identity or self.ctx.station
        if not st.token:
            raise ValidationError(T.OPTION_MISSING.format(option="[central] token / --token"))
        return export_bundle(self.ctx.engine, path, st.code, st.token)

    def pending(self, cap: int | None = None) -> int:
        """How many records wait to be sent."""
        from deskclient.store.outbox import pending_count

        return pending_count(self.ctx.engine, cap=cap)
