import csv
import io
import logging

from flask import Flask, Response, jsonify, request

from ledger import db

app = Flask(__name__)
logging.basicConfig(level=logging.INFO)


@app.get("/v1/accounts/<account_id>/entries")
def entries(account_id: str):
    return jsonify(db.entries(account_id, limit=int(request.args.get("limit", 100))))


@app.get("/v1/accounts/<account_id>/export.csv")
def export_csv(account_id: str):
    year = int(request.args["year"])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "description", "debit", "credit", "balance"])
    for row in db.year_entries(account_id, year):  # one query per month, with running balance
        writer.writerow(row)
    return Response(out.getvalue(), mimetype="text/csv")
