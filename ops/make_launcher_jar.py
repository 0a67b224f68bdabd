"""Writes a tiny runnable jar that starts the gcloud SDK's Firestore emulator.

firebase-tools runs ``java -jar $FIRESTORE_EMULATOR_BINARY_PATH``, but the SDK's jar has no
Main-Class; this launcher holds only a manifest naming the main class and the SDK jar.
"""

import sys
import zipfile
from pathlib import Path

MAIN_CLASS = "com.google.cloud.datastore.emulator.firestore.CloudFirestore"


def main(sdk_jar: str, out: str) -> None:
    manifest = (
        "Manifest-Version: 1.0\r\n"
        f"Main-Class: {MAIN_CLASS}\r\n"
        f"Class-Path: {Path(sdk_jar).resolve().as_uri()}\r\n\r\n"
    )
    target = Path(out)
    if target.exists():
        with zipfile.ZipFile(target) as jar:
            if jar.read("META-INF/MANIFEST.MF").decode() == manifest:
                return
    with zipfile.ZipFile(target, "w") as jar:
        jar.writestr("META-INF/MANIFEST.MF", manifest)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
