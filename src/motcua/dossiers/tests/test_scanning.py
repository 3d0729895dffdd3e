"""Hostile uploads: viruses (ClamAV clamd), renamed programs, zip bombs, path tricks (gh-5 item 4).

The scanner is exercised through clamd's real INSTREAM protocol against a
test double listening on 127.0.0.1 (or a Unix socket) in a thread; when a
``clamd`` binary is installed, one more test runs a real clamd with a
signature database made by the test. The EICAR test string is assembled from
pieces so that no file of the repository contains it (and no scanner on a
developer's machine quarantines this file).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import random
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, TestCase, override_settings, tag

from motcua.accounts.tests.factories import UserFactory
from motcua.apiclients.constants import Scope
from motcua.apiclients.services import api_token_issue
from motcua.dossiers import scanning
from motcua.dossiers.models import TemporaryUpload
from motcua.dossiers.scanning import CHUNK_SIZE, ClamdScanner, ScannerUnavailable
from motcua.dossiers.tests.test_receive import make_world
from motcua.dossiers.uploads import UploadRejected, UploadScanUnavailable, upload_store
from motcua.organisations.constants import Role

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-" + b"TEST-FILE!$H+H*"
EICAR_SIGNATURE = "Win.Test.EICAR_HDB-1"  # what ClamAV's database calls it
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 120
MB = 1024 * 1024


class FakeClamd:
    """The server side of clamd's INSTREAM, strict about the framing, on a real socket.

    ``mode``: "scan" answers FOUND when the stream holds the EICAR string and
    OK otherwise; "silent" reads the stream and never answers (a hung
    daemon); "limit" answers clamd's StreamMaxLength error once more than
    ``max_stream`` bytes arrived.
    """

    def __init__(self, *, mode: str = "scan", max_stream: int = 0, unix_path: str = "") -> None:
        self.mode = mode
        self.max_stream = max_stream
        self.commands: list[bytes] = []
        self.streams: list[bytes] = []
        self.chunk_sizes: list[int] = []
        self.release = threading.Event()
        if unix_path:
            self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.server.bind(unix_path)
            self.url = f"unix://{unix_path}"
        else:
            self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.server.bind(("127.0.0.1", 0))
            self.url = f"tcp://127.0.0.1:{self.server.getsockname()[1]}"
        self.server.listen(8)
        self.server.settimeout(0.1)
        self.stopping = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.stopping = True
        self.release.set()
        self.thread.join(5)
        self.server.close()

    def serve(self) -> None:
        while not self.stopping:
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(5)
            with conn, contextlib.suppress(OSError):
                self.handle(conn)

    def handle(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        command = b""
        while not command.endswith(b"\0"):
            byte = reader.read(1)
            if not byte:
                return
            command += byte
        self.commands.append(command)
        if command != b"zINSTREAM\0":
            conn.sendall(b"UNKNOWN COMMAND\0")
            return
        data = bytearray()
        while True:
            header = reader.read(4)
            if len(header) < 4:
                return  # the client went away mid-stream: no verdict
            (length,) = struct.unpack("!L", header)
            if length == 0:
                break
            self.chunk_sizes.append(length)
            data += reader.read(length)
            if self.mode == "limit" and len(data) > self.max_stream:
                conn.sendall(b"INSTREAM size limit exceeded. ERROR\0")
                conn.shutdown(socket.SHUT_WR)
                while reader.read(CHUNK_SIZE):  # let the client finish writing, then close
                    pass
                return
        self.streams.append(bytes(data))
        if self.mode == "silent":
            self.release.wait(10)
            return
        if EICAR in data:
            conn.sendall(f"stream: {EICAR_SIGNATURE} FOUND\0".encode())
        else:
            conn.sendall(b"stream: OK\0")


def zipped(entries: dict[str, bytes], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx(document: bytes, *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    return zipped(
        {"[Content_Types].xml": b"<Types/>", "word/document.xml": document}, method=method
    )


def xlsx(sheet: bytes) -> bytes:
    return zipped(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": sheet,
        }
    )


def odt(content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def declare_size(archive: bytes, member: str, size: int) -> bytes:
    """Rewrite the uncompressed size the central directory declares for ``member``."""
    data = bytearray(archive)
    position = data.index(b"PK\x01\x02")  # the first central directory header
    while True:
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, position + 28)
        name = bytes(data[position + 46 : position + 46 + name_length]).decode()
        if name == member:
            struct.pack_into("<L", data, position + 24, size)
            return bytes(data)
        position += 46 + name_length + extra_length + comment_length


class UploadCase(TestCase):
    def setUp(self) -> None:
        super().setUp()
        media = tempfile.mkdtemp(prefix="motcua-scanning-")
        self.media = Path(media)
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        self.enterContext(override_settings(MEDIA_ROOT=media))
        self.citizen = UserFactory()

    def clamd(self, **kwargs: Any) -> FakeClamd:
        fake = FakeClamd(**kwargs)
        self.addCleanup(fake.close)
        self.enterContext(override_settings(MOTCUA_CLAMD_URL=fake.url, MOTCUA_CLAMD_TIMEOUT=2))
        return fake

    def store(self, name: str, content: bytes) -> TemporaryUpload:
        return upload_store(file=SimpleUploadedFile(name, content), user=self.citizen)

    def refused(self, name: str, content: bytes) -> str:
        with self.assertRaises(UploadRejected) as raised:
            self.store(name, content)
        self.assert_nothing_stored()
        [message] = raised.exception.messages
        return message

    def assert_nothing_stored(self) -> None:
        self.assertFalse(TemporaryUpload.objects.exists())
        self.assertEqual([p for p in self.media.rglob("*") if p.is_file()], [])


@tag("gh-5")
class VirusScanTests(UploadCase):
    def test_the_eicar_string_is_assembled_right(self) -> None:
        self.assertEqual(len(EICAR), 68)
        self.assertEqual(hashlib.md5(EICAR).hexdigest(), "44d88612fea8a8f36de82e1278abb02f")  # noqa: S324

    def test_it_streams_every_upload_to_clamd_and_keeps_a_clean_one(self) -> None:
        fake = self.clamd()
        content = PDF + bytes(random.Random(5).randbytes(200 * 1024))
        upload = self.store("don.pdf", content)
        self.assertEqual(fake.commands, [b"zINSTREAM\0"])
        self.assertEqual(fake.streams, [content])  # all of it, in order
        self.assertGreater(len(fake.chunk_sizes), 1)
        self.assertLessEqual(max(fake.chunk_sizes), CHUNK_SIZE)
        with upload.file.open("rb") as stored:
            self.assertEqual(stored.read(), content)

    def test_it_refuses_a_file_carrying_the_eicar_test_virus(self) -> None:
        fake = self.clamd()
        message = self.refused("don.pdf", PDF + EICAR + b"\n%%EOF\n")
        self.assertEqual(
            message, f"Tệp “don.pdf” chứa mã độc ({EICAR_SIGNATURE}) nên không được nhận."
        )
        self.assertEqual(len(fake.streams), 1)

    def test_it_refuses_uploads_while_clamd_is_unreachable_and_logs_an_error(self) -> None:
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()  # nothing listens there now: connection refused
        with (
            override_settings(MOTCUA_CLAMD_URL=f"tcp://127.0.0.1:{port}"),
            self.assertLogs("motcua.dossiers.uploads", "ERROR") as logs,
            self.assertRaises(UploadScanUnavailable) as raised,
        ):
            self.store("don.pdf", PDF)
        self.assertEqual(
            raised.exception.messages,
            [
                "Chưa kiểm tra được mã độc cho tệp “don.pdf” vì dịch vụ quét mã độc đang tạm"
                " ngừng; tệp chưa được nhận. Vui lòng thử lại sau ít phút."
            ],
        )
        self.assertIn("upload_scan_failed", logs.output[0])
        self.assertIn("cannot connect to clamd", logs.output[0])
        self.assert_nothing_stored()

    def test_it_refuses_when_clamd_does_not_answer_in_time(self) -> None:
        self.clamd(mode="silent")
        with (
            override_settings(MOTCUA_CLAMD_TIMEOUT=1),
            self.assertLogs("motcua.dossiers.uploads", "ERROR"),
        ):
            started = time.monotonic()
            message = self.refused("don.pdf", PDF)
        self.assertLess(time.monotonic() - started, 5)
        self.assertIn("Vui lòng thử lại sau ít phút.", message)

    def test_it_says_when_a_file_is_too_large_for_the_scanner(self) -> None:
        self.clamd(mode="limit", max_stream=100 * 1024)
        with self.assertLogs("motcua.dossiers.uploads", "ERROR"):
            message = self.refused("ban-ve.pdf", PDF + b"0" * MB)
        self.assertEqual(
            message,
            "Tệp “ban-ve.pdf” quá lớn để kiểm tra mã độc; vui lòng gửi tệp nhỏ hơn hoặc liên hệ"
            " bộ phận một cửa.",
        )

    def test_it_reaches_clamd_over_a_unix_socket(self) -> None:
        directory = tempfile.mkdtemp(prefix="motcua-clamd-")
        self.addCleanup(shutil.rmtree, directory, ignore_errors=True)
        fake = self.clamd(unix_path=os.path.join(directory, "clamd.ctl"))
        self.assertTrue(fake.url.startswith("unix:///"))
        message = self.refused("don.pdf", PDF + EICAR)
        self.assertIn(EICAR_SIGNATURE, message)
        self.store("don.pdf", PDF)
        self.assertEqual(len(fake.streams), 2)

    def test_a_malformed_clamd_url_fails_closed(self) -> None:
        for url in ("tcp://clamd", "tcp://clamd:port", "unix://"):
            with (
                self.subTest(url=url),
                override_settings(MOTCUA_CLAMD_URL=url),
                self.assertLogs("motcua.dossiers.uploads", "ERROR") as logs,
                self.assertRaises(UploadScanUnavailable),
            ):
                self.store("don.pdf", PDF)
            self.assertIn("MOTCUA_CLAMD_URL", logs.output[0])
        self.assert_nothing_stored()

    def test_without_a_scanner_it_warns_once_per_process_and_accepts(self) -> None:
        scanning._state["warned_unconfigured"] = False
        self.addCleanup(scanning._state.update, warned_unconfigured=True)
        with (
            override_settings(MOTCUA_CLAMD_URL=None),
            self.assertLogs("motcua.dossiers.scanning", "WARNING") as logs,
        ):
            self.store("mot.pdf", PDF)
            self.store("hai.pdf", PDF)
        self.assertEqual(len(logs.output), 1)
        self.assertIn("upload_scan_skipped", logs.output[0])
        self.assertEqual(TemporaryUpload.objects.count(), 2)

    def test_clamds_answers_are_read_strictly(self) -> None:
        scanner = ClamdScanner("tcp://127.0.0.1:1")
        self.assertFalse(scanner.verdict("stream: OK").infected)
        self.assertEqual(
            scanner.verdict("stream: Win.Test.EICAR_HDB-1 FOUND").signature, EICAR_SIGNATURE
        )
        for reply in ("", "stream: ERROR", "PONG", "stream: OK now"):
            with self.subTest(reply=reply), self.assertRaises(ScannerUnavailable):
                scanner.verdict(reply)


@tag("gh-5")
class HostileFileTests(UploadCase):
    def test_it_refuses_renamed_programs_before_scanning_them(self) -> None:
        fake = self.clamd()
        cases = [
            (
                "hoa-don.pdf",
                ELF,
                "Tệp “hoa-don.pdf” không phải là PDF (nội dung là tệp chương trình).",
            ),
            ("anh.jpg", PE, "Tệp “anh.jpg” không phải là JPEG (nội dung là tệp chương trình)."),
            (
                "to-khai.docx",
                PE,
                "Tệp “to-khai.docx” không phải là DOCX (nội dung là tệp chương trình).",
            ),
            (
                "run.pdf",
                b"#!/bin/sh\nrm -rf /\n",
                "Tệp “run.pdf” không phải là PDF (nội dung là tệp chương trình).",
            ),
        ]
        for name, content, message in cases:
            with self.subTest(name=name):
                self.assertEqual(self.refused(name, content), message)
        self.assertEqual(fake.streams, [])  # refused by content: never sent to the scanner

    def test_it_refuses_office_documents_that_unpack_absurdly(self) -> None:
        zeros = b"\0" * (30 * MB)  # packs about a thousand times
        for name, content in (
            ("to-khai.docx", docx(zeros)),
            ("bang-ke.xlsx", xlsx(zeros)),
            ("to-khai.odt", odt(zeros)),
        ):
            with self.subTest(name=name):
                self.assertLess(len(content), 100 * 1024)
                message = self.refused(name, content)
                self.assertRegex(
                    message,
                    rf"^Tệp “{name}” khi giải nén lớn gấp [\d.]+ lần tệp gửi lên \(tối đa 100"
                    r" lần\); tệp có thể là tệp nén độc hại \(zip bomb\)\.$",
                )

    def test_it_refuses_an_archive_declaring_an_absurd_size_without_unpacking_it(self) -> None:
        forged = declare_size(docx(b"<w:document/>"), "word/document.xml", 0x7FFF0000)
        message = self.refused("to-khai.docx", forged)
        self.assertEqual(
            message,
            "Tệp “to-khai.docx” khi giải nén có dung lượng 2047,9 MB, vượt quá giới hạn 200,0 MB;"
            " tệp có thể là tệp nén độc hại (zip bomb).",
        )

    def test_it_refuses_an_archive_over_the_unpacked_limit_even_at_a_low_ratio(self) -> None:
        noise = random.Random(7).randbytes(3 * MB)  # does not pack: ratio about 1
        with self.settings(MOTCUA_UPLOAD_MAX_UNPACKED_BYTES=2 * MB):
            message = self.refused("to-khai.docx", docx(noise, method=zipfile.ZIP_STORED))
        self.assertIn("khi giải nén có dung lượng 3,0 MB, vượt quá giới hạn 2,0 MB", message)

    def test_it_accepts_a_real_sized_office_document_and_refuses_a_corrupt_one(self) -> None:
        words = [
            "hồ",
            "sơ",
            "thủ",
            "tục",
            "hành",
            "chính",
            "đăng",
            "ký",
            "khai",
            "sinh",
            "Huế",
            "phường",
            "xã",
            "giấy",
            "tờ",
        ]
        rng = random.Random(3)
        text = " ".join(rng.choice(words) + str(rng.randrange(10_000)) for _ in range(200_000))
        content = docx(f"<w:document>{text}</w:document>".encode())
        self.assertGreater(len(content), 500 * 1024)
        self.assertEqual(self.store("to-khai.docx", content).size, len(content))
        TemporaryUpload.objects.all().delete()
        for path in self.media.rglob("*"):
            if path.is_file():
                path.unlink()
        stored = bytearray(docx(b"<w:document>Xin chao</w:document>", method=zipfile.ZIP_STORED))
        stored[stored.index(b"Xin chao")] = ord("x")  # content no longer matches its CRC
        self.assertEqual(
            self.refused("to-khai.docx", bytes(stored)),
            "Tệp “to-khai.docx” bị hỏng, không đọc được nội dung.",
        )

    def test_path_tricks_in_names_never_reach_the_storage_path(self) -> None:
        cases = {
            "../../etc/passwd.pdf": "passwd.pdf",
            "..\\x.pdf": "x.pdf",
            "..\\..\\Windows\\System32\\drivers.pdf": "drivers.pdf",
            "/var/www/static/a.pdf": "a.pdf",
            "don\x00.pdf": "don.pdf",
            "đơn\r\nđề nghị\t.pdf": "đơnđề nghị.pdf",
            "hoa-don\u202efdp.pdf": "hoa-donfdp.pdf",  # right-to-left override removed
            "\x1b[31mdo.pdf": "[31mdo.pdf",  # no terminal escape reaches a log or a page
        }
        for name, shown in cases.items():
            with self.subTest(name=name):
                upload = self.store(name, PDF)
                self.assertEqual(upload.original_name, shown)
                self.assertRegex(
                    upload.file.name, r"^uploads/tmp/\d{4}/\d{2}/\d{2}/[0-9a-f]{32}\.pdf$"
                )
                path = Path(upload.file.path).resolve()
                self.assertTrue(path.is_relative_to(self.media.resolve()), path)
        self.assertFalse((self.media.parent / "etc").exists())

    def test_a_nul_cannot_hide_the_real_extension(self) -> None:
        # "evil.exe\0.pdf" must not become "evil.exe" on a C-string filesystem, nor pass as PDF.
        message = self.refused("evil.exe\x00.pdf", PE)
        self.assertEqual(
            message, "Tệp “evil.exe.pdf” không phải là PDF (nội dung là tệp chương trình)."
        )


@tag("gh-5")
class UploadScanApiTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()
        _, cls.secret = api_token_issue(
            user=cls.world.staff[Role.RECEPTION_OFFICER], scopes=Scope.values
        )

    def setUp(self) -> None:
        cache.clear()
        media = tempfile.mkdtemp(prefix="motcua-scanning-api-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        self.enterContext(override_settings(MEDIA_ROOT=media))

    def post(self, name: str, content: bytes) -> Any:
        return self.client.post(
            "/api/v1/uploads/",
            {"file": SimpleUploadedFile(name, content)},
            HTTP_AUTHORIZATION=f"Bearer {self.secret}",
        )

    def test_it_answers_400_for_a_virus_and_503_with_retry_after_when_clamd_is_down(self) -> None:
        fake = FakeClamd()
        self.addCleanup(fake.close)
        with override_settings(MOTCUA_CLAMD_URL=fake.url):
            response = self.post("../../cccd.pdf", PDF + EICAR)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.json(),
            {
                "errors": {
                    "file": [f"Tệp “cccd.pdf” chứa mã độc ({EICAR_SIGNATURE}) nên không được nhận."]
                }
            },
        )
        fake.close()  # the daemon stops
        with (
            override_settings(MOTCUA_CLAMD_URL=fake.url),
            self.assertLogs("motcua.dossiers.uploads", "ERROR"),
        ):
            response = self.post("cccd.pdf", PDF)
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "60")
        self.assertIn("Vui lòng thử lại sau ít phút.", response.json()["errors"]["file"][0])
        self.assertFalse(TemporaryUpload.objects.exists())


CLAMD = shutil.which("clamd") or ("/usr/sbin/clamd" if os.path.exists("/usr/sbin/clamd") else None)


@tag("gh-5")
class RealClamdTests(SimpleTestCase):
    """Against a real clamd (Debian's clamav-daemon, which ``make test`` installs as root)."""

    def setUp(self) -> None:
        if CLAMD is None:
            self.fail(
                "These tests need Debian's clamd: apt-get install clamav-daemon "
                "(make test installs it when run as root)."
            )
        directory = Path(tempfile.mkdtemp(prefix="motcua-real-clamd-"))
        self.addCleanup(shutil.rmtree, directory, ignore_errors=True)
        database = directory / "db"
        database.mkdir()
        # A one-line hash signature database: no download, no freshclam.
        (database / "motcua-test.hdb").write_text(
            f"{hashlib.md5(EICAR).hexdigest()}:{len(EICAR)}:{EICAR_SIGNATURE}\n"  # noqa: S324
        )
        sock = directory / "clamd.ctl"
        config = directory / "clamd.conf"
        config.write_text(
            f"LocalSocket {sock}\nDatabaseDirectory {database}\nForeground yes\n"
            f"LogFile {directory / 'clamd.log'}\nPidFile {directory / 'clamd.pid'}\n"
            f"TemporaryDirectory {directory}\nStreamMaxLength 1M\n"
        )
        process = subprocess.Popen(  # noqa: S603
            [CLAMD, "--config-file", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.addCleanup(process.wait, 10)
        self.addCleanup(process.terminate)
        deadline = time.monotonic() + 60
        while not sock.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                log = directory / "clamd.log"
                self.fail(f"clamd did not start: {log.read_text() if log.exists() else ''}")
            time.sleep(0.1)
        self.scanner = ClamdScanner(f"unix://{sock}", timeout=30)

    def test_a_real_clamd_finds_eicar_passes_a_clean_file_and_limits_streams(self) -> None:
        # clamd marks signatures from databases it cannot verify as UNOFFICIAL.
        self.assertEqual(self.scanner.scan([EICAR]).signature, f"{EICAR_SIGNATURE}.UNOFFICIAL")
        self.assertFalse(self.scanner.scan([PDF, b"x" * 100_000]).infected)
        with self.assertRaises(ScannerUnavailable) as raised:
            self.scanner.scan([b"x" * (2 * MB)])
        self.assertTrue(raised.exception.too_large)
