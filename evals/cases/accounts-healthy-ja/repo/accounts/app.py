import logging
import os

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

from accounts import passwords, sessions

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
app = FastAPI(title="accounts-api")
SESSION_TTL = int(os.environ.get("SESSION_TTL_SECONDS", "3600"))


class Login(BaseModel):
    email: str
    password: str


@app.post("/v1/login")
async def login(body: Login) -> dict:
    user = await passwords.verify(body.email, body.password)
    if user is None:
        raise HTTPException(401, "invalid credentials")
    return {"token": await sessions.issue(user["id"], SESSION_TTL)}


@app.get("/v1/me")
async def me(token: str) -> dict:
    user = await sessions.lookup(token)
    if user is None:
        raise HTTPException(401, "session expired")
    return user
