"""Recognising web-page chrome: navigation, app and subscribe links, comment forms, player UI.

Chrome is matched per paragraph (one source line) against anchored patterns, in the languages
podcast pages come in. A paragraph either is chrome as a whole or is kept: podkb never cuts
words out of spoken text.
"""

from __future__ import annotations

import re

from ..text import fold

# Whole-paragraph patterns, matched against the folded (lower-case, width-folded) paragraph.
_CHROME_PATTERNS = [
    # navigation and page furniture
    r"(← ?)?previous( · | \| )all episodes( · | \| )next( ?→)?",
    r"(all|more|previous|next|other|related|latest|recent) (episodes|podcasts|articles|posts)",
    r"view (episode|show) (details|notes)",
    r"(show|read|see|load) (more|less|all)",
    r"continue reading",
    r"read more",
    r"back to (top|episodes?)",
    r"(home|homepage|menu|search|topics|bookmarks?|share|artwork|icon ?share|adoption|style)",
    r"choose your language",
    r"write for [\w ]+",
    r"infoq homepage .*",
    r"facilitating the spread of knowledge and innovation in professional software development",
    r"rate this article",
    r"about the (author|authors|host|hosts)",
    r"community comments",
    r"hello stranger!?",
    r"you need to register an .* account or .*",
    r"get the most out of the .* experience\.?",
    r"allowed html: .*",
    r"(log ?in|sign ?in|sign ?up|register|subscribe|follow|download|listen|play|pause|loading)( now)?( ?…| ?\.\.\.)?",
    r"more about (our|the|this) (podcasts?|shows?|episodes?)",
    r"you can keep up[- ]to[- ]date with .*",
    r"for the best experience,? listen (in|on|with) .*",
    r"quick ?reference ?guide|クイックリファレンスガイド",
    r"icon ?(シェア|共有)",
    r"(apple podcasts|spotify|google podcasts|overcast|pocket casts|youtube|rss|soundcloud|castbox|podcast addict)",
    r"listen to .* (using|on|in) .*(apps?|directories|platforms?)\.?",
    r"listen to this episode in .*",
    r"download .* app",
    r"don't just listen to podcasts\..*",
    r"transcript source: .*",
    r"episode description",
    r"manage episode \d+ series \d+",
    r"\d+ (episodes|エピソード|つのエピソード|集|期)",
    r"player ?fm.*",
    r"プレーヤー ?fmへようこそ!?",
    r"player ?fmは.*",
    r"コンテンツは .* によって提供されます.*",
    r"すべてのエピソード",
    r"シェア|共有|購読|ダウンロード|続きを読む|もっと見る|再生|一時停止",
    r"(订阅|訂閱|分享|下载|下載|评论|評論|登录|登入|注册|註冊|阅读更多|閱讀更多|展开|展開|收起|播放|暂停|暫停)",
    r"hockeystick .* podcast episode cover|.* - podcast episode cover",
    r"© .*|copyright .*|all rights reserved\.?",
    r"(cookie|privacy) (policy|settings|preferences).*",
    r"(bt|×|x|\||·|•|-+|—+|…|--:--|\d{1,2}:\d{2}(:\d{2})?)",
    r"· \d{1,2}:\d{2}(:\d{2})?",
    r"[←→↑↓|·•\s]+",
]
_CHROME_RE = re.compile("|".join(f"(?:{p})" for p in _CHROME_PATTERNS))

# Paragraphs that open the transcript proper.
_TRANSCRIPT_MARKERS = {
    "transcript",
    "full transcript",
    "episode transcript",
    "transcription",
    "文字稿",
    "逐字稿",
    "文字记录",
    "全文",
    "トランスクリプト",
    "文字起こし",
}
# Headings of show-notes sections: metadata, never speech.
_SHOW_NOTES_HEADINGS = {
    "key takeaways",
    "show notes",
    "timestamps",
    "chapters",
    "episode notes",
    "links",
    "resources",
    "description",
    "summary",
    "in this episode",
    "节目简介",
    "節目簡介",
    "时间轴",
    "時間軸",
}


# Page furniture is short (the longest seen is 226 characters); a longer paragraph is never
# chrome, is not worth folding, and would make the patterns with two `.*` runs backtrack
# quadratically.
_MAX_CHROME_CHARS = 400
_MAX_HEADING_CHARS = 60


def is_chrome(paragraph: str) -> bool:
    if len(paragraph) > _MAX_CHROME_CHARS:
        return False
    key = fold(paragraph).strip()
    return bool(_CHROME_RE.fullmatch(key))


def _heading_key(paragraph: str) -> str:
    return fold(paragraph).strip().rstrip(":：").strip()


def is_transcript_marker(paragraph: str) -> bool:
    return len(paragraph) <= _MAX_HEADING_CHARS and _heading_key(paragraph) in _TRANSCRIPT_MARKERS


def is_show_notes_heading(paragraph: str) -> bool:
    return len(paragraph) <= _MAX_HEADING_CHARS and _heading_key(paragraph) in _SHOW_NOTES_HEADINGS
