import bcrypt

from accounts import db


async def verify(email: str, password: str) -> dict | None:
    user = await db.user_by_email(email)
    if user and bcrypt.checkpw(password.encode(), user["hash"]):
        return user
    return None
