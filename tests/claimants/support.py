"""What the claimant tests share: a township of the loaded divisions, and certification import files (the
columns of the template, a CSV of rows, valid ID numbers, staging a file as an officer)."""

import datetime as dt

from claimants import idnumbers, imports
from claimants.certification_import import KIND
from claimants.models import Region


def township(code="510703001"):
    return Region.objects.get(code=code)


HEADER = ["姓名", "身份证号", "户籍地区划代码", "认定类别", "证书编号", "有效期起", "有效期止", "备注"]


def csv_bytes(rows, header=HEADER) -> bytes:
    lines = [",".join(header)] + [",".join(r) for r in rows]
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


def number(seq: int, region="510703") -> str:
    return idnumbers.build(region, dt.date(1970, 1, 1) + dt.timedelta(days=seq), seq)


def stage(content, by, name="civil.csv"):
    return imports.stage(kind=KIND, file_name=name, content=content, by=by)
