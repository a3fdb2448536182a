"""Japanese display names of the default label codes (for tables and charts)."""
from __future__ import annotations

TOPIC_JA = {
    "pay": "給与・賞与・手当", "evaluation": "評価・昇格", "workload": "労働時間・業務量",
    "work_style": "休暇・勤怠・働き方", "management": "上司・マネジメント",
    "relations": "人間関係・職場の雰囲気", "cross_dept": "部門間連携",
    "harassment": "ハラスメント・コンプライアンス", "client_site": "派遣先・客先環境",
    "career": "キャリア・教育・配属", "benefits": "福利厚生", "procedures": "手続き・問い合わせ対応",
    "communication": "経営・情報共有", "health": "心身の健康・安全",
    "environment": "設備・IT・職場環境", "other": "その他",
}
RISK_JA = {"resignation": "退職意向", "harassment": "ハラスメント被害", "health": "心身の危険",
           "legal": "法令・契約違反の疑い"}


def topic_label(code: str) -> str:
    """Japanese name of a topic code, or the code itself when unknown."""
    return TOPIC_JA.get(code, code)
