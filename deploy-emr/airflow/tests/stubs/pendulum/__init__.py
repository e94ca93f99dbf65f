import datetime as _dt


def datetime(year, month, day, tz="UTC"):
    return {"date": _dt.date(year, month, day).isoformat(), "tz": tz}
