"""`ntm token ...`: API tokens made, listed and revoked from the command line (audited)."""

from __future__ import annotations

import argparse
import sys

from ntm.cli_support import UserError, print_json


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("token", help="API tokens (Authorization: Bearer …)")
    commands = parser.add_subparsers(dest="token_command", required=True)

    create = commands.add_parser(
        "create", help="make a token for a user and print it once (only its hash is kept)"
    )
    create.add_argument("--user", required=True, metavar="USERNAME")
    create.add_argument("--name", default="", help="what the token is for, e.g. 'báo cáo tháng'")
    create.add_argument(
        "--expires",
        type=int,
        default=None,
        metavar="DAYS",
        help="valid this many days (default NTM_TOKEN_DEFAULT_DAYS, 180)",
    )
    create.add_argument(
        "--never-expires",
        action="store_true",
        help="a token without an end (only here, never on the web or the API); revoke it "
        "when no longer needed",
    )
    create.add_argument("--json", action="store_true")
    create.set_defaults(func=create_command)

    listing = commands.add_parser("list", help="list tokens (never the keys)")
    listing.add_argument("--user", default=None, metavar="USERNAME")
    listing.add_argument("--all", action="store_true", help="also revoked and expired tokens")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=list_command)

    revoke = commands.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("token_id", type=int)
    revoke.add_argument("--json", action="store_true")
    revoke.set_defaults(func=revoke_command)


def _user(username: str):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise UserError(f"--user: there is no user {username!r}")
    return user


def _row(token, now) -> dict:
    if token.revoked_at is not None:
        state = "revoked"
    elif token.expires_at is not None and token.expires_at <= now:
        state = "expired"
    else:
        state = "active"
    return {
        "id": token.pk,
        "user": token.user.get_username(),
        "name": token.name,
        "prefix": token.prefix,
        "state": state,
        "created_at": token.created_at.isoformat(timespec="seconds"),
        "last_used_at": token.last_used_at.isoformat(timespec="seconds")
        if token.last_used_at
        else None,
        "expires_at": token.expires_at.isoformat(timespec="seconds") if token.expires_at else None,
    }


def create_command(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from ntm.accounts.permissions import WriteDenied
    from ntm.accounts.services import UserAdminError, create_token
    from ntm.audit.services import Actor

    user = _user(args.user)
    try:
        made = create_token(
            actor=Actor(user=None, channel="cli"),
            user=user,
            name=args.name,
            expires_in_days=args.expires,
            never_expires=args.never_expires,
        )
    except (UserAdminError, WriteDenied) as error:
        raise UserError(str(error)) from None
    if args.json:
        print_json({**_row(made.token, timezone.now()), "token": made.key})
        return 0
    print(made.key)
    expires = made.token.expires_at
    until = (
        f", valid until {timezone.localtime(expires):%Y-%m-%d %H:%M}"
        if expires
        else ", never expires (revoke it with `ntm token revoke` when no longer needed)"
    )
    print(
        f"token {made.token.pk} “{made.token.name}” for {user.get_username()}{until}. "
        "It is shown only this once: keep it in a safe place.",
        file=sys.stderr,
    )
    return 0


def list_command(args: argparse.Namespace) -> int:
    from django.db.models import Q
    from django.utils import timezone

    from ntm.accounts.models import ApiToken

    now = timezone.now()
    tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
    if args.user:
        tokens = tokens.filter(user=_user(args.user))
    if not args.all:
        tokens = tokens.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )
    rows = [_row(t, now) for t in tokens]
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("no tokens")
        return 0
    for row in rows:
        used = row["last_used_at"] or "never used"
        expires = f", expires {row['expires_at']}" if row["expires_at"] else ""
        print(
            f"{row['id']:>5}  {row['user']:<16} {row['prefix']}…  {row['state']:<8} "
            f"“{row['name']}”  created {row['created_at']}, last used {used}{expires}"
        )
    return 0


def revoke_command(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from ntm.accounts.models import ApiToken
    from ntm.accounts.services import revoke_token
    from ntm.audit.services import Actor

    token = ApiToken.objects.select_related("user").filter(pk=args.token_id).first()
    if token is None:
        raise UserError(f"there is no token with id {args.token_id}")
    already = token.revoked_at is not None
    revoke_token(actor=Actor(user=None, channel="cli"), token=token)
    if args.json:
        print_json(_row(token, timezone.now()))
    else:
        state = "was already revoked" if already else "revoked"
        print(f"token {token.pk} “{token.name}” of {token.user.get_username()} {state}")
    return 0
