"""A small FastAPI app; ``openapi.json`` beside it is what FastAPI generated for it:

    python -m venv /tmp/fa && /tmp/fa/bin/pip install fastapi
    /tmp/fa/bin/python app.py > openapi.json

Its models use what OpenAPI 3.1 says differently from 3.0: optional fields are
``anyOf`` with ``{"type": "null"}``, enums are ``$ref``'d, a const, a nested model
and a recursive one.  The routes page with ``page``/``per_page``; auth is a bearer
token and an API key in a header.
"""

import enum
import json
from typing import Literal

from fastapi import Depends, FastAPI, Header, Query
from fastapi.security import APIKeyHeader, HTTPBearer
from pydantic import BaseModel, Field

app = FastAPI(title="Plates", version="1.0.0")
bearer = HTTPBearer()
key = APIKeyHeader(name="X-API-Key")


class Status(str, enum.Enum):
    queued = "queued"
    running = "running"
    done = "done"


class Image(BaseModel):
    url: str
    width: int | None = None


class PlateIn(BaseModel):
    name: str = Field(description="The plate's label")
    wells: int = Field(96, ge=1, le=1536)
    status: Status = Status.queued
    notes: str | None = None
    image: Image | None = None
    kind: Literal["plate"] = "plate"
    tags: list[str] = []


class Plate(PlateIn):
    id: int
    parent: "Plate | None" = None


@app.get("/plates", tags=["plates"], summary="List plates")
def list_plates(
    page: int = Query(1, ge=1), per_page: int = Query(30, le=100),
    status: Status | None = None, _: object = Depends(bearer),
) -> list[Plate]:
    return []


@app.post("/plates", tags=["plates"], summary="Create a plate", status_code=201)
def create_plate(plate: PlateIn, _: object = Depends(bearer)) -> Plate:
    return Plate(id=1, **plate.model_dump())


@app.get("/plates/{plate_id}", tags=["plates"], summary="Get a plate")
def get_plate(plate_id: int, x_request_id: str | None = Header(None),
              _: object = Depends(key)) -> Plate:
    return Plate(id=plate_id, name="p")


@app.delete("/plates/{plate_id}", tags=["plates"], status_code=204)
def delete_plate(plate_id: int, _: object = Depends(bearer)) -> None:
    return None


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
