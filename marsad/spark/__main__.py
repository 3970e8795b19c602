"""``python -m marsad.spark`` and the script to give ``spark-submit``: the same as ``marsad spark``.

    spark-submit --master yarn … "$(python -c 'import marsad.spark.__main__ as m; print(m.__file__)')" \
        s3a://bucket/crawl/ --out s3a://bucket/marsad-out
"""

from __future__ import annotations

import sys


def main() -> None:
    """Run ``marsad spark`` with this command line's arguments (errors reported as the CLI does)."""
    import click

    from marsad.cli import cli
    from marsad.errors import MarsadError

    try:
        cli.main(args=["spark", *sys.argv[1:]], prog_name="marsad")
    except MarsadError as err:
        click.echo(f"marsad: error: {err}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
