"""``python -m marsad.spark`` and the script to give ``spark-submit``: the same as ``marsad spark``.

    spark-submit --master yarn … "$(python -c 'import marsad.spark.__main__ as m; print(m.__file__)')" \
        s3a://bucket/crawl/ --out s3a://bucket/marsad-out
"""

from __future__ import annotations

import sys


def main() -> None:
    """Run ``marsad spark`` with this command line's arguments."""
    from marsad.cli import main as cli_main

    sys.argv[1:1] = ["spark"]
    cli_main()


if __name__ == "__main__":
    main()
