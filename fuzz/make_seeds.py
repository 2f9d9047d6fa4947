#!/usr/bin/env python3
"""Regenerate the seed corpora of fuzz/corpus/<target>/ from the repository's own inputs
(samples/, schemas/, tests/data/, conf/, configuration/) and a few hand-written cases.
The corpora are committed; run this only to rebuild them (it replaces seed-* files and keeps
every other file, such as inputs the fuzzers found). Usage: fuzz/make_seeds.py"""
import os
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"


def write(target, name, data):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    (folder / f"seed-{name}").write_bytes(data)


def read(rel):
    return (ROOT / rel).read_bytes()


def json_seeds():
    meter = read("samples/meter_readings.ndjson")
    meter_lines = meter.splitlines(keepends=True)
    device = subprocess.run(
        ["node", str(ROOT / "tests/tools/nested_events.mjs"), "--first", "0", "--count", "6",
         "--bad", "2"], check=True, capture_output=True).stdout
    scalars = (
        b'{"b":true,"i8":-128,"i16":32767,"i32":1,"i64":-9223372036854775808,"f":1.5e3,'
        b'"d":-0.0,"dec":"12345678901234567890.0123456789","small":"1.25","s":"caf\\u00e9",'
        b'"bin":"AAEC","dt":"2024-02-29","ts":"2024-02-29T23:59:59.999999+01:00",'
        b'"ntz":"2024-02-29 12:00:00","v":null,"m":{"a":[1.5,null],"b":null}}\n'
        b'{"i32":2,"b":"true","i8":300,"f":"NaN","d":1e400,"dt":"2024-13-01","m":[]}\n'
        b'{"i32":null}\n'
        b'\r\n   \n{"i32":3,"s":{"nested":"object"},"bin":"not base64!"}\r\n')
    # control byte: bits 0-1 schema, 2-3 mode, 4 events/ndjson, 5 shallow depth
    for mode in range(3):
        for events in (0, 0x10):
            c = mode << 2 | events
            write("json", f"meter-{c:02x}", bytes([0 | c]) + b"".join(meter_lines[:6]))
            write("json", f"device-{c:02x}", bytes([1 | c]) + device)
            write("json", f"scalars-{c:02x}", bytes([2 | c]) + scalars)
    write("json", "device-shallow", bytes([1 | 0x20]) + device)
    write("json", "meter-bad", bytes([0]) + b'{"MeterId":"1","SupplierId":2}\nnot json\n'
          b'{"MeterId":"1","SupplierId":"2","Measurement":{"Value":1e10,"Unit":"kWH"},'
          b'"ObservationTime":"2021-01-19T10:33:00Z","extra":[1,{"x":[]}]}\n{"a":')


def parquet_seeds():
    for path in sorted((ROOT / "tests/data").rglob("*.parquet")):
        # Of the v2-checkpoint tables (hundreds of tiny files), the newest checkpoint and one
        # of its sidecars are enough.
        if path.parts[-3:-1] == ("_delta_log", "_sidecars") or "v2-checkpoints" in str(path):
            continue
        if path.stat().st_size <= 64 * 1024:
            write("parquet", path.name, path.read_bytes())
    v2 = ROOT / "tests/data/v2-checkpoints-parquet-with-sidecars/_delta_log"
    for path in [*sorted(v2.glob("00000000000000000006.checkpoint.*.parquet")),
                 *sorted((v2 / "_sidecars").glob("00000000000000000006.checkpoint.*.parquet"))[:1]]:
        write("parquet", path.name, path.read_bytes())


def delta_seeds():
    def table(files):
        # The target splits at "\n@@@@ ", so joining with "\n" keeps every body byte for byte.
        return b"\n".join(b"@@@@ " + name.encode() + b"\n" + body for name, body in files)

    for folder in ("table-with-dv-small", "table_with_deletion_logs", "table_with_column_mapping"):
        log = ROOT / "tests/data" / folder / "_delta_log"
        files = [(p.name, p.read_bytes()) for p in sorted(log.iterdir())
                 if p.suffix in (".json", ".parquet")]
        write("delta_log", folder, table(files))
    cp = ROOT / "tests/data/table_with_deletion_logs/_delta_log/00000000000000000020.checkpoint.parquet"
    write("delta_log", "checkpoint-with-last", table([
        ("00000000000000000020.checkpoint.parquet", cp.read_bytes()),
        ("_last_checkpoint", b'{"version":20,"size":8}'),
        ("00000000000000000021.json",
         b'{"remove":{"path":"part-00000-cb251d5e-b665-437a-a9a7-fbfc5137c77d.c000.snappy.parquet",'
         b'"deletionTimestamp":1,"dataChange":true}}\n'),
    ]))
    for path in sorted((ROOT / "tests/data/delta-logs").rglob("*.json")):
        write("delta_log", path.parent.name, table([(path.name, path.read_bytes())]))
    write("delta_log", "multipart", table([
        ("00000000000000000000.json",
         b'{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}\n'
         b'{"metaData":{"id":"x","format":{"provider":"parquet","options":{}},'
         b'"schemaString":"{\\"type\\":\\"struct\\",\\"fields\\":[{\\"name\\":\\"p\\",'
         b'\\"type\\":\\"string\\",\\"nullable\\":true,\\"metadata\\":{}}]}",'
         b'"partitionColumns":["p"],"configuration":{"delta.checkpointInterval":"2"}}}\n'
         b'{"add":{"path":"p=a%20b/f.parquet","partitionValues":{"p":"a b"},"size":1,'
         b'"modificationTime":0,"dataChange":true,"stats":"{\\"numRecords\\":3}"}}\n'),
        ("00000000000000000001.json",
         b'{"txn":{"appId":"app","version":7,"lastUpdated":1}}\n'
         b'{"add":{"path":"file:///t/x.parquet","partitionValues":{"p":null},"size":2,'
         b'"modificationTime":0,"dataChange":true}}\n'),
        ("00000000000000000002.checkpoint.0000000001.0000000002.parquet", b"PAR1"),
        ("_last_checkpoint", b'{"version":2,"size":3,"parts":2}'),
    ]))
    # v2 checkpoints (a UUID-named JSON one) and domain metadata.
    v2_protocol = (b'{"protocol":{"minReaderVersion":3,"minWriterVersion":7,'
                   b'"readerFeatures":["v2Checkpoint"],'
                   b'"writerFeatures":["v2Checkpoint","domainMetadata","rowTracking"]}}\n')
    v2_meta = (b'{"metaData":{"id":"y","format":{"provider":"parquet","options":{}},'
               b'"schemaString":"{\\"type\\":\\"struct\\",\\"fields\\":[{\\"name\\":\\"id\\",'
               b'\\"type\\":\\"long\\",\\"nullable\\":true,\\"metadata\\":{}}]}",'
               b'"partitionColumns":[],"configuration":{"delta.checkpointPolicy":"v2"}}}\n')
    write("delta_log", "v2-json-checkpoint", table([
        ("00000000000000000000.json", v2_protocol + v2_meta +
         b'{"domainMetadata":{"domain":"delta.rowTracking",'
         b'"configuration":"{\\"rowIdHighWaterMark\\":2}","removed":false}}\n'
         b'{"add":{"path":"a.parquet","partitionValues":{},"size":1,"modificationTime":0,'
         b'"dataChange":true,"stats":"{\\"numRecords\\":3}","baseRowId":0,'
         b'"defaultRowCommitVersion":0}}\n'),
        ("00000000000000000001.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.json",
         b'{"checkpointMetadata":{"version":1,"tags":{}}}\n' + v2_protocol + v2_meta +
         b'{"domainMetadata":{"domain":"user.x","configuration":"{}","removed":false}}\n'
         b'{"add":{"path":"a.parquet","partitionValues":{},"size":1,"modificationTime":0,'
         b'"dataChange":true,"baseRowId":0,"defaultRowCommitVersion":0}}\n'
         b'{"sidecar":{"path":"s.parquet","sizeInBytes":4,"modificationTime":0,"tags":{}}}\n'),
        ("00000000000000000001.json",
         b'{"domainMetadata":{"domain":"user.x","configuration":"{}","removed":false}}\n'),
        ("00000000000000000002.json",
         b'{"domainMetadata":{"domain":"user.x","configuration":"{}","removed":true}}\n'),
    ]))


def text_seeds():
    write("schema", "meter-ddl", b"\x01" + read("schemas/meter_reading.ddl"))
    write("schema", "meter-json", b"\x00" + read("schemas/meter_reading.json"))
    write("schema", "device-ddl", b"\x01" + subprocess.run(
        ["node", str(ROOT / "tests/tools/nested_events.mjs"), "--wide", "--schema"],
        check=True, capture_output=True).stdout)
    write("schema", "aliases-ddl",
          b"\x01`we``ird` DEC(38,36) COMMENT 'it''s', b BYTE NOT NULL, c VARCHAR(3), "
          b"d STRUCT<`x y`: MAP<STRING, ARRAY<TIMESTAMP_NTZ>>, z: VOID> NOT NULL, e REAL")
    write("schema", "struct-ddl", b"\x01STRUCT<a: INT, b: ARRAY<BINARY>>")
    for path in sorted((ROOT / "tests/data/delta-logs").rglob("*.json")):
        import json
        for line in path.read_text().splitlines():
            obj = json.loads(line)
            if "metaData" in obj:
                write("schema", path.parent.name, b"\x00" + obj["metaData"]["schemaString"].encode())
    write("schema", "metadata-json",
          b'\x00{"type":"struct","fields":[{"name":"a","type":{"type":"array","elementType":'
          b'"integer","containsNull":false},"nullable":true,"metadata":{"comment":"c",'
          b'"delta.columnMapping.id":1,"x":[1E3,true,null]}},{"name":"m","type":{"type":"map",'
          b'"keyType":"string","valueType":"decimal(10,2)","valueContainsNull":true},'
          b'"nullable":false,"metadata":{}}]}')

    write("config", "defaults.conf", read("conf/lakestream-defaults.conf"))
    write("config", "streaming.conf", read("configuration/run_args_streaming.conf.sample"))
    write("config", "generator.conf", read("configuration/run_args_data_generator.conf.sample"))
    write("config", "typed.conf",
          "# typed values\nname = x\ncount: 42\n--ratio 1e-3\nenabled=yes\nitems=[a, b ,c]\n"
          "[section]\n; comment\n--- yaml marker\nunknown-option=1  # trailing\n")
    write("config", "eventhubs",
          "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Listen;"
          "SharedAccessKey=c2VjcmV0LWtleS12YWx1ZS0xMjM0NQ==;EntityPath=input")
    write("config", "emulator",
          "Endpoint=sb://localhost:5672;SharedAccessKeyName=RootManageSharedAccessKey;"
          "SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;EntityPath=eh1")
    write("config", "kafka", "kafka://b1:9092,b2/topic")
    write("config", "storage",
          "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=QUJDREVGR0hJSktMTU5PUA==;"
          "EndpointSuffix=core.windows.net")
    write("config", "storage-sas",
          "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"
          "SharedAccessSignature=sv=2022-11-02&ss=b&sig=abc%3D")
    write("config", "azurite", "UseDevelopmentStorage=true")
    write("config", "uris",
          "out=abfss://data@acct.dfs.core.windows.net/tables/t%20x\n"
          "sas=https://acct.blob.core.windows.net/c/p/q?sv=1&sig=x\n"
          "path-style=http://127.0.0.1:10000/devstoreaccount1/c/dir\n")

    write("azure_xml", "list",
          '<?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint='
          '"https://acct.blob.core.windows.net/" ContainerName="data"><Prefix>t/</Prefix>'
          '<Blobs><Blob><Name>t/_delta_log/00000000000000000000.json</Name><Properties>'
          '<Last-Modified>Wed, 09 Sep 2009 09:20:02 GMT</Last-Modified><Content-Length>1024'
          '</Content-Length><BlobType>BlockBlob</BlobType></Properties></Blob>'
          '<BlobPrefix><Name>t/a=&amp;&lt;&#65;&#x42;/</Name></BlobPrefix></Blobs>'
          '<NextMarker>2!88!MDAw</NextMarker></EnumerationResults>')
    write("azure_xml", "empty", '<EnumerationResults><Blobs /><NextMarker/></EnumerationResults>')
    write("azure_xml", "error",
          '<?xml version="1.0" encoding="utf-8"?><Error><Code>ContainerNotFound</Code>'
          '<Message>The specified container does not exist.\nRequestId:1</Message></Error>')
    write("azure_xml", "date", "Thu, 01 Jan 1970 00:00:00 GMT")

    write("partition", "plain", "country=NL")
    write("partition", "special", "x=A/B\\C%2F:*?\"<>|{[]}^#'=\x01\x7f\x00 caf\xc3\xa9\n"
          "empty=\nnull\n=value\n__HIVE_DEFAULT_PARTITION__")
    write("partition", "percent", "%41%zz%%4%2f%2F%C3%A9")


def deletion_vector_seeds():
    # Control byte 0: a RoaringBitmapArray; 1: z85 text; 2: an inline DV; 3: a DV file.
    import struct
    dv = read("tests/data/table-with-dv-small/"
              "deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin")
    size = struct.unpack(">i", dv[1:5])[0]
    bitmap = dv[5:5 + size]
    alphabet = (b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                b".-:+=^!/*?&<>()[]{}@%$#")

    def z85(b):
        b = b + b"\0" * ((-len(b)) % 4)
        out = bytearray()
        for i in range(0, len(b), 4):
            v = struct.unpack(">I", b[i:i + 4])[0]
            digits = []
            for _ in range(5):
                digits.append(alphabet[v % 85])
                v //= 85
            out += bytes(reversed(digits))
        return bytes(out)

    write("deletion_vector", "bitmap-dv-small", b"\x00" + bitmap)
    write("deletion_vector", "z85-uuid", b"\x01" + b"vBn[lx{q8@P<9BNH/isA")
    write("deletion_vector", "inline-dv", b"\x02" + struct.pack("<ii", size, 2) + z85(bitmap))
    write("deletion_vector", "file-dv-small", b"\x03" + struct.pack("<iii", 1, size, 2) + dv)


if __name__ == "__main__":
    os.chdir(ROOT)
    json_seeds()
    parquet_seeds()
    delta_seeds()
    text_seeds()
    deletion_vector_seeds()
