"""Real published transcripts, one family at a time (issue 22, "Done when").

Every file under tests/fixtures/real/published/ is an excerpt of a transcript published in a
public repository, kept byte for byte (whole lines or blocks cut at the ends only); where each
comes from, its commit and licence are in tests/fixtures/real/SOURCES.md. Files written for
podkb after a published layout whose licence is unclear live under shapes/ and are read here
too. Each is read through the whole ingest path: its reader, speakers (unknown stays unknown),
start times, the whole text of every turn, no markup, page furniture or stage directions left in
it, and what every source line was used for.
"""

from __future__ import annotations

import re

import pytest
from conftest import FIXTURES

from podkb.ingest.pipeline import read_file_bytes, read_parsed

REAL = FIXTURES / "real"

KARLAN_OPENING = (
    "Thank you. Mr. Chief Justice, and may it please the Court: The Government now concedes that "
    "the Ninth Circuit erred in holding that the negotiated grievance procedure of the Civil "
    "Service Reform Act strips Federal courts of their jurisdiction to hear constitutional claims "
    "by Federal employees."
)
SAVINO_OPENING = (
    "So, good morning, everyone. I'm State Senator Diane Savino, and I am the main sponsor of the "
    "Compassionate Care Act of the New York State Senate. I am joined here by my colleague in the "
    "Senate Majority Coalition and the Independent Democratic Conference, Senator David Carlucci "
    "from Rockland County. We will be joined, on and off, during our period, by members coming "
    "from all over the Senate, and, potentially, some members from the Assembly are going to pop "
    "in, as we commence this roundtable on the Compassionate Care Act in the Senate. First, I want "
    "to say to everyone, thank you for your support for this piece of legislation. You are "
    "predominantly responsible for the movement in the Senate that has occurred in the past six "
    "months, and you should give yourselves a round of applause for that."
)
MEGNA_OPENING = (
    "Good afternoon. I think I would like to start the festivities today of the 2013 Economic and "
    "Revenue Consensus Forecasting Conference. And, today, we have no name tags in front of us, so "
    "I guess I will have to introduce people, but I know you know everyone that's here. First let "
    "me recognize: Senator John DeFrancisco, Chairman of the Senate Finance Committee; Senator "
    "Malcolm Smith, Vice Chairman of the Senate Finance Committee; Assemblyman Herman Farrell, "
    "Chairman of the Assembly Ways and Means Committee; Senator Liz Krueger, Ranking Member of the "
    "Senate Finance Committee; Assemblyman Robert Oaks, Ranking Member of the Assembly Ways and "
    "Means Committee; And let me also recognize, on the other side of the table, Bob Ward, Deputy "
    "Comptroller. As we do every year, each member will have an opportunity to provide some brief "
    "opening remarks. Afterwards, we'll hear testimony from a cross-section of experts who will "
    "offer their perspectives on the current economic and revenue"
)
PODLETS_WELCOME = (
    "Welcome to The Podlets Podcast, a weekly show that explores Cloud Native one buzzword at a "
    "time. Each week, experts in the field will discuss and contrast distributed systems concepts, "
    "practices, tradeoffs and lessons learned to help you on your cloud native journey. This space "
    "moves fast and we shouldn’t reinvent the wheel. If you’re an engineer, operator or "
    "technically minded decision maker, this podcast is for you."
)
PODLETS_OPENING = (
    "Good afternoon everybody and welcome to Episode 21 of The Podlets. In this episode, we’re "
    "going to explore orchestrators and runtimes and we’re going to just kind of break in to those "
    "topics and maybe like talk about a couple of things that we’ve seen. It should be a pretty "
    "fun discussion.\n\nToday, I have with me Josh Rosso."
)
PODLETS_WRAP_UP = (
    "Yeah, in wrapping up I mean it is kind of the same statement I made before but I am leaving "
    "this episode, at least, feeling kind of like the difference between the two in summary for "
    "me is not that important anymore, you know? It’s just like breaking it down as layers of "
    "abstraction and acknowledging us it as such. I think there is definitely value in discerning "
    "the two to some degree but not getting just too hung up on it and feeling like you have to "
    "put these rigid definitions in place."
)
PODLETS_GOODBYE = (
    "Awesome, I think if nobody else has anything else they want to discuss on this topic, I "
    "definitely got a lot out of this discussion and we can call it a day. Thank you all and "
    "we’ll see you all next week."
)
PODLETS_OUTRO = (
    "Thank you for listening to The Podlets Cloud Native Podcast. Find us on Twitter at "
    "https://twitter.com/ThePodlets and on the http://thepodlets.io/ website, where you'll find "
    "transcripts and show notes. We'll be back next week. Stay tuned by subscribing."
)
WEINSTEIN_OPENING = (
    "If people could take their seats. Good morning. I am Helene Weinstein, chair of the New York "
    "State Assembly Ways and Means Committee and cochair of today's hearing. Today we begin the "
    "sixth in a series of hearings conducted by the joint fiscal committees of the Legislature "
    "regarding the Governor's proposed budget for fiscal year 2020-2021. The hearings are "
    "conducted pursuant to the New York State Constitution and the Legislative Law. Today the "
    "Assembly Ways and Means Committee and the Senate Finance Committee will hear testimony "
    "concerning the Governor's budget proposal for higher education. I'll introduce members of "
    "the Assembly majority, and Senator Krueger, chair of Senate Finance, will introduce members "
    "from the Senate. So we have with us our chair of the Higher Education Committee, Deborah "
    "Glick; Assemblyman Pichardo, Assemblyman Epstein, Assemblyman Stirpe, and Assemblywoman "
    "Fahy. Senator Krueger?"
)
KRUEGER_WELCOME = (
    "Good morning. Thank you, everyone. I'm joined by the chair of Higher Ed, Toby Stavisky; the "
    "ranker on Higher Ed, John {sic} LaValle; the ranker on Finance, Jim Seward; Senator Andrew "
    "Gounardes; and Senator Anna Kaplan. And I know I saw Senator Liu, but I think he's "
    "disappeared and will come back. Thank you. Oh, I'm sorry, Ken LaValle, how -- excuse me, Ken."
)
BANDWIDTH = (
    "Blasts the kid off the horse. Also one of my favorite gifs. But yeah, I mean, it can be "
    "overwhelming. So, you don’t want to drink from the firehose all the time, you need to turn "
    "it back down sometimes, but at some points in your career it’s really useful to have that "
    "kind of information bandwidth coming in."
)
SHOW_NOTES = (
    "A school in Ohio put a weather station on its roof. Then the forecasts got better.\n\n"
    "Today on the show, we follow one sensor from a balcony to a national network.\n\n"
    "This episode was produced by Ana Ruiz, with help from Tom Okafor. It was edited by Lee "
    'Park.\n\nMusic: "Low Clouds" and "Barometer."'
)

# file (under fixtures/real/) -> (reader, title, [(speaker, start, text), ...])
CASES = {
    # Court and hearing transcripts extracted from their PDFs.
    "published/scotus_alderson_tika.txt": (
        "court",
        "TERRY L. WHITMAN, Petitioner v. DEPARTMENT OF TRANSPORTATION, ET AL.",
        [
            (
                "CHIEF JUSTICE ROBERTS",
                None,
                "We’ll hear argument first today in Whitman versus Department of Transportation. "
                "Ms. Karlan.",
            ),
            ("MS. KARLAN", None, KARLAN_OPENING),
            (
                "JUSTICE SCALIA",
                None,
                "We’re not bound by that concession. If that’s a jurisdictional question, "
                "doesn’t matter whether the Government conceded it or not, does it?",
            ),
            (
                "MS. KARLAN",
                None,
                "No. That’s correct, but the Government correctly conceded perhaps I should have "
                "said. So I think that the --",
            ),
            ("JUSTICE SCALIA", None, "That’s a different question."),
            (
                "MS. KARLAN",
                None,
                "Yes. So the question before the Court is not whether, I think, Mr. Whitman can "
                "receive constitutional judicial review, but rather, where and how he is supposed "
                "to do so.",
            ),
            (
                "JUSTICE SCALIA",
                None,
                "I still think it’s whether because I don’t agree with the Government. Can I do "
                "that?",
            ),
            ("MS. KARLAN", None, "Of course, you can."),
            (
                "JUSTICE SCALIA",
                None,
                "So that is the question. I mean, the question is open whether there --",
            ),
            (
                "MS. KARLAN",
                None,
                "Yes. I -- I think, obviously, the Court has an obligation to satisfy itself of "
                "the jurisdiction. But I’ll point out then that you would have had that obligation "
                "as well in NTEU against Von Raab in which this Court addressed precisely the same "
                "kind of case, litigated in precisely the same posture.",
            ),
            (
                "JUSTICE KENNEDY",
                None,
                "Was it raised? Was that objection, the jurisdictional question, raised in the "
                "briefs and --",
            ),
            (
                "MS. KARLAN",
                None,
                "It was raised in the district court and the Government chose not to raise it in "
                "the court of appeals or here. But, of course, you have, as Justice Scalia said, "
                "an independent obligation to satisfy yourself of your subject matter "
                "jurisdiction.",
            ),
            (
                "JUSTICE SCALIA",
                None,
                "But our cases say that where we don’t speak to a jurisdictional question, it is "
                "not regarded as having been decided.",
            ),
        ],
    ),
    "published/nysenate_roundtable.txt": (
        "court",
        "ROUNDTABLE DISCUSSION ON THE COMPASSIONATE CARE ACT",
        [
            ("SENATOR SAVINO", None, SAVINO_OPENING),
            (
                "SENATOR SAVINO",
                None,
                "A year ago, people said that this bill was dead on arrival in the Senate. We "
                "knew better, and, we worked very aggressively to begin to change people's minds. "
                "And what we're doing today is trying to",
            ),
        ],
    ),
    # A cover that opens with its title over one rule, a `PRESENT:` roster and a `SPEAKERS:`
    # index before the first label.
    "published/nysenate_revenue_conference.txt": (
        "court",
        "NEW YORK STATE 2013 ECONOMIC AND REVENUE CONSENSUS FORECASTING CONFERENCE",
        [("ROBERT L. MEGNA", None, MEGNA_OPENING)],
    ),
    # A Jekyll episode page (The Podlets): YAML front matter that opens with comments to the
    # site's editors, then `[0:00:08.7] NAME: text` lines with initials after the first names,
    # the show's parts marked `[INTRODUCTION]`, `[EPISODE]`; its end `[END OF EPISODE]` before
    # the announcer's outro (still speech), `[END]`.
    "published/podlets_front_matter_markers.md": (
        "markdown",
        "Orchestrators and Runtimes",
        [
            ("ANNOUNCER", 8.7, PODLETS_WELCOME),
            ("DC", 40.4, PODLETS_OPENING),
            ("JR", 59.1, "Hello."),
            ("DC", 59.6, "I got Michael Gasch."),
            ("MG", 60.6, "Hello."),
            ("DC", 61.8, "Olive Power."),
            ("OP", 63.5, "Hello."),
        ],
    ),
    "published/podlets_end_markers.md": (
        "timestamped",
        None,
        [
            ("MG", 2436.6, "I agree, awesome."),
            (
                "DC",
                2439.8,
                "Awesome, anybody else have any other thing that you would like to add up?",
            ),
            ("JR", 2443.3, PODLETS_WRAP_UP),
            ("MG", 2468.3, "Right that is a nice way to put it."),
            ("DC", 2469.9, PODLETS_GOODBYE),
            ("MG", 2480.0, "Thanks, bye-bye."),
            ("ANNOUNCER", 2482.1, PODLETS_OUTRO),
        ],
    ),
    # A joint budget hearing: page numbers at the top right, a running header on every page,
    # `PRESENT: (Continued)` and `LIST OF SPEAKERS, Cont.` cover pages, justified lines
    # (`Good morning.    I am`), a label with a surname's prefix (`SENATOR LaVALLE:`).
    "published/nysenate_budget_hearing.txt": (
        "court",
        "JOINT LEGISLATIVE HEARING In the Matter of the 2020-2021 EXECUTIVE BUDGET ON HIGHER "
        "EDUCATION",
        [
            ("CHAIRWOMAN WEINSTEIN", None, WEINSTEIN_OPENING),
            ("CHAIRWOMAN KRUEGER", None, KRUEGER_WELCOME),
            ("SENATOR LaVALLE", None, "That's all right."),
            ("CHAIRWOMAN WEINSTEIN", None, "Nobody will forget, Senator."),
        ],
    ),
    # `**Name** [M:SS](https://youtube...&t=Ns): text`: the time a link into the recording;
    # headings that are links (`## [ethereum/EIPs#8590](...)`) are chapters, a link alone is not said.
    "published/eipip_bold_time_links.md": (
        "text",
        "EIPIP Meeting 105",
        [
            (
                "Gajinder",
                191.0,
                "Maybe try rendering it in the GitHub itself. Maybe there is some issue over there I don't know.",
            ),
            (
                "Pooja Ranjan",
                204.0,
                "It would be nice like someone can maybe review and if that seems to be not adding value to the existing EIP which is already in final status. we may perhaps want to close that pull request. Very well.",
            ),
            (
                "Pooja Ranjan",
                220.0,
                "The next one is on the EIP GitHub repository and the PR number is 8590. So this seems like we have received a two editor comment here. One says that it can be merged and another one says that it cannot be merged. I wonder what people think? We need to create a call for input for this to make sure that we have all editors on board. Yeah please share your thoughts.",
            ),
            (
                "Gajinder",
                252.0,
                "I mean it's only adding the fork time to a value which was EBD which should not have been in the first case. When it was sort of move to review as but at least at the final call. So I mean I'm okay with this, I don't see a problem.",
            ),
            (
                "Victor",
                276.0,
                "There were many previous core EIPs that's the if they specify Fork number. It was left TBD until very long it seems common we don't have a I don't think we currently have very strict way to track to like we didn't make it a strict rule to enforce this as far as I can Remember. But I'm also okay for this to be merged into it. I don't have strong objection.",
            ),
            ("Gajinder", 308.0, "Even if an EIP is going into final there should be no TBD."),
            (
                "Pooja Ranjan",
                314.0,
                "I agree yeah we can perhaps make it a point like whenever anything is moving from last call to final proposal there should not be any TBD either you remove that section entirely if you do not have any final value to be added there or else we should have a number. Very well it seems like Victor is also not opposing merging the PR. We can perhaps like maybe check with Sam as well if he has any strong opinion otherwise this pull request can be merged. So we can wait for another week.",
            ),
            (
                "Gajinder",
                356.0,
                "Either we need to check with Matt because He's the one who sort of proposed it.",
            ),
            (
                "Pooja Ranjan",
                363.0,
                "Right okay. So we'll keep it open for another meeting or if we can get any answer from Matt I will try to check it async on our Discord. We'll Marge it otherwise we'll bring it up in the next meeting.\n\nThe next one is a PR number 8390 which is for fixing EIP 152. It's a kind of a fixed reference test. It seems like a the authors who may perhaps approve or or like confirm the changes they are not around. I remember a few years ago we had this discussion like what do we do with the Pull requests for which we do not have author around the general idea was to merge it with editors permission like editors can overwrite the author's permission here but there was no timeline defined like after how long? What we were practising in those days were like keep it open for about a month and if we do not hear from the author and editors strongly feel that this can be merged there is no problem in merging that. They can perhaps override and merge. I wonder what editors on board here think about it and can we maybe we add one sentence defining the timeline about how long should we keep this kind of proposal open when editors are fine merging them. Okay call for Action. That's a good suggestion. We can do that but in general what are your thoughts like maybe we can keep it open for a month does that four weeks timeline sounds okay for any PR to be open where editors are fine merging them and we do not hear from author. Okay cool. So we can perhaps create a call for input for that One.",
            ),
            (
                "Pooja Ranjan",
                503.0,
                "The next one is an update to EIP -1. I'm not very sure about the user also who has added some comments at the bottom so just wondering if that user seems to be a spam?",
            ),
            ("Bumblefudge", 518.0, "Definitely spam."),
            ("Pooja Ranjan", 520.0, "All right."),
            (
                "Bumblefudge",
                522.0,
                "Its a bilingual jokes but if you speak Spanish it's definitely spam. It's kind of a de nut comment.",
            ),
        ],
    ),
    # Zoom's saved captions: `[Name] 11:02:09` above each caption; the times are the meeting's
    # clock, not positions in the recording, so no turn gets a start.
    "published/zoom_saved_captions.txt": (
        "otter",
        None,
        [
            ("Johnny Doe", None, "How you doing?"),
            ("Janet Dough", None, "Hey, I'm Janet, how are you?"),
            ("Johnny Doe", None, "I'm okay. Can you hear me?"),
            (
                "Janet Dough",
                None,
                "Yeah, and I did an… I hope it's okay I enable the transcript, just because, um, I'm gonna use this for an article, so sometimes I pull quotes, or…",
            ),
            ("Johnny Doe", None, "Making sure. Okay."),
            ("Johnny Doe", None, "That's perfectly fine, and that makes sense."),
            ("Janet Dough", None, "You need the resource, um…"),
            (
                "Janet Dough",
                None,
                "Yeah, so, uh, nice to meet you. I think we've met in another meeting, but…",
            ),
            (
                "Johnny Doe",
                None,
                "Yeah, I think so. But I mean, you know, it's nice to actually meet you and not just be like,",
            ),
            ("Johnny Doe", None, "Oh, you're a human that exists."),
            ("Janet Dough", None, "Yeah, I'm… I mean, I'm…"),
            (
                "Janet Dough",
                None,
                "I'm about 4 months in, and that's still quite a bit to, like, wrap my head around, and…",
            ),
        ],
    ),
    # The Podcasting 2.0 namespace's example WebVTT: `<v Travis>` voice tags carried over to the
    # cues after them, and a plain `Gilon:` label at the start of a cue, which names the speaker
    # of that cue and of the cues after it until the next voice tag.
    "published/podcastnamespace_voices_and_labels.vtt": (
        "vtt",
        None,
        [
            (
                "Travis",
                0.179,
                "When you first get started in podcasting, it's almost guaranteed that you're going to make a handful of rookie your goals, that much faster",
            ),
            (
                "Sarah",
                53.03,
                "Creating good audio is really key to keeping your podcast listeners engaged because no matter how good the content",
            ),
            (
                "Travis",
                102.739,
                "Now, when you're creating your podcast intro, there's a couple of things that you want to make sure that you cover a couple but then also put it into practice.",
            ),
            (
                "Gilon",
                219.36,
                "So is there an ideal podcast length, short answer? Nope. Joe Rogan has some episodes that are three hours long, but you're trying to accomplish and what you're trying to get across.",
            ),
            (
                "Travis",
                263.189,
                "Be a guest on other people's podcasts, but not just anyone's podcast podcasts that have a similar target audience people from that podcast to come over and subscribe to yours.",
            ),
            (
                "Gilon",
                322.139,
                "Interviewing noteworthy guests that have a significant audience is actually one of our favorite marketing strategies for",
            ),
        ],
    ),
    # `0:00:14.3 **Name** text`: a bare time, the name in bold, no colon.
    "published/orbitfm_bold_names.txt": (
        "timestamped",
        None,
        [
            (
                "Adam Garrett-Harris",
                14.3,
                "So, welcome to BookBytes, episode who knows? I think it’s episode 2… 3?",
            ),
            ("Jen Luker", 20.2, "3."),
            ("Jason Staten", 20.6, "I’m 3."),
            ("Adam Garrett-Harris", 21.3, "Is that right?"),
            ("Safia Abdalla", 21.6, "Yes, I think so."),
            (
                "Adam Garrett-Harris",
                22.6,
                "So, today we’re talking about Apprenticeship Patterns and we’re going over "
                "chapters 5, 6 and 7. I’m Adam Garrett-Harris.",
            ),
            ("Jen Luker", 30.0, "I’m Jen Luker."),
            ("Safia Abdalla", 31.9, "I’m Safia."),
            ("Jason Staten", 32.3, "I’m Jason Staten."),
        ],
    ),
    "published/orbitfm_bold_names_laughs.txt": (
        "timestamped",
        None,
        [
            ("Jen Luker", 734.1, "Mm-hmm (Affirmative)"),
            ("Adam Garrett-Harris", 734.6, "You have?"),
            ("Jen Luker", 735.1, "Mm-hmm (Affirmative)"),
            ("Safia Abdalla", 735.9, "I have not."),
            ("Jason Staten", 735.1, "Spatula City!"),  # `0:12:15.10` as published
            ("Adam Garrett-Harris", 737.3, "So, Jason, you’ve seen it, too?"),
            ("Jason Staten", 739.5, "Yeah, I said Spatula City."),
            ("Adam Garrett-Harris", 740.8, "Nice!"),
            (
                "Adam Garrett-Harris",
                742.7,
                "Well, yeah, one of my favorite parts in that show is when he has this kids’ show "
                "and one of the kids like wins a prize and he’s like, “You get to drink from the "
                "firehose!”",
            ),
            ("Jen Luker", 753.3, "Yeah. Oh, god."),
            (
                "Adam Garrett-Harris",
                754.0,
                "He puts him up on that little plastic horse and turns on the firehose and just "
                "like-",
            ),
            ("Jen Luker", 756.8, "Blasts!"),
            ("Adam Garrett-Harris", 757.4, BANDWIDTH),
        ],
    ),
    # whisper.cpp's output: `[start --> end]   text`, no speakers; `-ml 16` cuts a sentence
    # into short segments (one turn, up to its end); tinydiarize's `[SPEAKER_TURN]` ends a turn.
    "published/whispercpp_max_len.txt": (
        "timestamped",
        None,
        [
            (
                None,
                0.0,
                "And so my fellow Americans, ask not what your country can do for you, ask what "
                "you can do for your country.",
            )
        ],
    ),
    "published/whispercpp_tinydiarize.txt": (
        "timestamped",
        None,
        [
            (None, 0.0, "Okay Houston, we've had a problem here."),
            (None, 3.8, "This is Houston. Say again please."),
            (None, 6.2, "Uh Houston we've had a problem."),
            (None, 8.26, "We've had a main beam up on a volt."),
            (None, 11.32, "Roger main beam interval."),
            (None, 13.82, "Uh uh"),  # unfinished, but the speaker turns after it
            (None, 15.1, "So okay stand, by thirteen we're looking at it."),
            (
                None,
                18.02,
                "Okay uh right now uh Houston the uh voltage is uh is looking good um.",
            ),
            (None, 27.62, "And we had a a pretty large bank or so."),
        ],
    ),
    # iFlytek's long-audio transcription (written from its documented result, see stt/README):
    # `bg`/`ed` milliseconds in strings; speaker `0` means no speakers were separated.
    "stt/iflytek_lfasr.json": (
        "iflytek",
        None,
        [
            ("Speaker 1", 0.1, "大家好，欢迎收听科技早餐。今天我们请到了李明，"),
            ("Speaker 2", 5.3, "嗯谢谢邀请，很高兴来到这里。"),
            ("Speaker 1", 9.54, "你最早是怎么接触开源的？"),
        ],
    ),
    "stt/iflytek_lfasr_one_speaker.json": (
        "iflytek",
        None,
        [(None, 0.92, "在用的一些场景，然后就是工具，后面我们再说。")],
    ),
    # An editor's subtitle list with more columns than tsv_edl's (reel, source times, notes):
    # read by the header's column names, so the times are Record In/Out, never Source In/Out.
    "formats/resolve_extra_columns.tsv": (
        "edit-list",
        None,
        [
            (None, 0.0, "Welcome back to Field Notes."),
            (None, 4.4, "Today, a weather station on a school roof."),
            (None, 9.4, "It started with one sensor."),
        ],
    ),
    # Captions that mark speakers inline: a name in brackets (Netflix SDH), dialogue dashes.
    "published/netflix_sdh_brackets.es.vtt": (
        "vtt",
        None,
        [
            (
                "Alba",
                7.96,
                "En 1928, las mujeres éramos algo así como adornos que se llevaban a las fiestas "
                "para presumir de ellos.",
            ),
            # The name in brackets is that cue's speaker only: the narration after it is not
            # said to be hers.
            (None, 19.72, "Objetos sin poder de opinión ni decisión."),
            (
                None,
                22.64,
                "Es cierto que la vida no era fácil para nadie, pero mucho menos si eras mujer.",
            ),
            (None, 29.32, "Si eras mujer, en 1928 ser libre era algo que parecía inalcanzable."),
            (
                None,
                35.32,
                "Porque para la sociedad las mujeres solo éramos amas de casa, madres, esposas...",
            ),
            (None, 42.0, "No teníamos derecho a tener sueños ni ambiciones."),
            (None, 45.24, "Para buscar un futuro muchas tenían que marcharse lejos."),
            (None, 49.96, "En el bar de enfrente."),
            (None, 52.36, "Tú no vas a ir a ningún sitio."),
            (
                None,
                54.76,
                "Y otras tenían que enfrentarse a las normas de una sociedad machista y "
                "retrógrada.",
            ),
            (None, 59.64, "Déjala."),
            (None, 59.64, "Tú no te metas. ¡No te metas!"),
        ],
    ),
    # A congressional hearing record as GPO prints it: indented paragraphs that open with a
    # title, a name and a period, hard-wrapped lines, `[Laughter.]`, `[Whereupon, ...]`.
    "shapes/hearing_gpo_text.txt": (
        "text",
        "WEATHER STATIONS AND PUBLIC SAFETY",
        [
            (
                "The Chairman",
                None,
                # The chair calling on a senator (`Senator Hale.` alone) is the chair speaking.
                "Good morning. Today we look at small weather stations and who may collect their "
                "data.\n\nSenator Hale.",
            ),
            ("Senator Hale", None, "Thank you, Madam Chair. How many stations are there today?"),
            ("Dr. Okafor", None, "About twelve thousand, most of them run by schools."),
            ("Senator Hale", None, "Only schools?"),
            ("Dr. Okafor", None, "Schools and volunteers, Senator."),
            ("The Chairman", None, "Thank you. The hearing is adjourned."),
        ],
    ),
    # Transcripts as Markdown tables: a meeting archive's (time, text, video link) and a
    # transcription tool's export (row number, start, end, speaker, text).
    "shapes/meeting_table_links.md": (
        "table",
        "Town Council 240307",
        [
            (
                None,
                0.0,
                "Community television is pleased to bring you full coverage of this Town "
                "Council meeting.",
            ),
            (None, 14.0, "Call the meeting to order, if we could, please."),
            (None, 19.0, "Ms. Ortiz, would you call the roll?"),
            (None, 22.0, "Councilman Lee?"),
            (None, 23.0, "Here."),
            (
                None,
                26.0,
                "The weather station on the school roof is item four tonight, and we have three "
                "speakers signed up for it.",
            ),
        ],
    ),
    "shapes/segments_table_speakers.md": (
        "table",
        None,
        [
            ("SPEAKER_00", 0.0, "Welcome back to Field Notes."),
            (
                "SPEAKER_01",
                4.2,
                "Thanks for having me, it is good to be back. Stations cost less than a bike | or "
                "a phone.",
            ),
            ("SPEAKER_00", 13.0, "Let us start with the first one."),
            (None, 15.5, "Can everyone hear me?"),  # `UNKNOWN` never inherits a speaker
        ],
    ),
    # A site generator's episode page: front matter, an `<audio>` player with a Liquid tag,
    # `<details><summary><h2>Transcript</h2></summary>`, `<p><strong>Name</strong></p>` before
    # each turn, show notes after the transcript.
    "shapes/jekyll_html_transcript.md": (
        "markdown",
        "Maya Chen talks about weather stations on school roofs",
        [
            (
                "Tom",
                None,
                "Hi, I’m Tom Okafor, and you’re listening to the Field Notes soundbite. Today I’m "
                "talking to Maya Chen. Hey, Maya, how are you?",
            ),
            ("Maya", None, "Hi, Tom. Good."),
            ("Tom", None, "What did you put on the roof?"),
            (
                "Maya",
                None,
                "A weather station. One sensor at first, then three. The students read it every "
                "morning.",
            ),
            (
                "Tom",
                None,
                "If you want to know about the weather, you just stick your nose outside",
            ),
            ("Maya", None, "Lick my finger"),
            ("Tom", None, "Thank you Maya. Thanks again, and we’ll see you on the web."),
        ],
    ),
    # NPR's layout: `NAME, HOST:` on its own line, surnames afterwards, `(SOUNDBITE OF ...)`.
    "shapes/npr_show_notes.md": (
        "markdown",
        "240312) The weather station on the school roof",
        [
            (None, None, SHOW_NOTES),
            (
                "MAYA CHEN",
                None,
                "Just a heads-up - this episode mentions a couple of weather companies. Neither "
                "of them supports the show. Here is today's episode.",
            ),
            ("SAM ORTIZ", None, "This is FIELD NOTES from Example Radio."),
            (
                "TOM OKAFOR",
                None,
                "For years, the nearest official weather station to this school was forty miles "
                "away.",
            ),
            ("MAYA CHEN", None, "And forty miles is a long way when a storm is coming."),
            ("TOM OKAFOR", None, "So one teacher decided to build her own."),
            (
                "UNIDENTIFIED REPORTER",
                None,
                "(Reading) Storms are expected after six tonight.",
            ),
            ("MAYA CHEN", None, "Six turned out to be four."),
            ("TOM OKAFOR", None, "It usually does."),
            ("UNIDENTIFIED PERSON #1", None, "Is it raining yet?"),
            (
                "RUTH ADAMS",
                None,
                "I put the first sensor on my balcony.\n\n...and then one on the roof.",
            ),
            ("MAYA CHEN", None, "Ruth Adams teaches physics."),
            ("RUTH ADAMS", None, "I still do."),
            ("MAYA CHEN", None, "That's FIELD NOTES. I'm Maya Chen."),
            ("TOM OKAFOR", None, "And I'm Tom Okafor. Thanks for listening."),
        ],
    ),
}

# Long published files (CC0, tests/fixtures/conformance/): reader, then each turn's speaker
# and start. The HTML form gives every turn its own `<time>`; the SRT names a speaker only
# where the speaker changes (`Travis:`), and sentences run across cues.
P20_TURNS = [
    ("Travis", 0.0),
    ("Sarah", 53.0),
    ("Travis", 102.0),
    ("Gilon", 219.0),
    ("Travis", 263.0),
    ("Gilon", 322.0),
    ("Travis", 376.0),
    ("Sarah", 562.0),
    ("Gilon", 617.0),
    ("Travis", 691.0),
]
LONG_CASES = {
    "../conformance/transcript-example.html": ("html", P20_TURNS),
    "../conformance/transcript-example.srt": (
        "srt",
        [
            ("Travis", 0.179),
            ("Sarah", 53.03),
            ("Travis", 102.739),
            ("Gilon", 219.36),
            ("Travis", 263.189),
            ("Gilon", 322.139),
            ("Travis", 376.629),
            ("Sarah", 562.879),
            ("Gilon", 617.33),
            ("Travis", 691.49),
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(LONG_CASES))
def test_long_files_speakers_and_starts(name):
    fmt, expected = LONG_CASES[name]
    result = parsed(name)
    assert result.format == fmt
    assert [(t.speaker, t.start) for t in result.turns] == expected
    assert result.accounting.unaccounted == []
    for turn in result.turns:
        assert not re.search(r"</?\w+[^>]*>|&#?\w+;|-->|^\w+:", turn.text), turn.text[:80]


# Left in turn text, any of these is page furniture, a margin number, a time, bold markers or a
# stage direction that leaked.
LEAKS = [
    re.compile(r"(?i)alderson|reporting company|1-800-for-depo|14th street"),
    re.compile(r"(?:^|\s)(?:[1-9]|1\d|2[0-5])\s{2,}"),  # a margin line number
    re.compile(r"\d:\d{2}:\d{2}"),  # a time left in the text
    re.compile(r"\*\*|__"),  # bold markers
    re.compile(r"(?i)\((?:laughter|laughs|applause)|\[applause|\(SOUNDBITE OF"),
    re.compile(r"(?i)\b(?:presiding|speakers \(continued\)):"),  # a hearing's cover lists
    re.compile(r"</?\w+[^>]*>|^\[|^- "),  # caption tags, a bracketed name, a dialogue dash
    re.compile(r"-->|SPEAKER_TURN"),  # whisper.cpp's time ranges and turn marks
    re.compile(r"\t|A00\d|\.mov\b|keep:|cut:"),  # a list's other columns
    re.compile(r"\S {2,}\S"),  # a justified line's spread words
]


def parsed(name):
    path = REAL / name
    return read_parsed(read_file_bytes(path), path=path)


@pytest.mark.parametrize("name", sorted(CASES))
def test_reader_title_speakers_times_and_text(name):
    fmt, title, expected = CASES[name]
    result = parsed(name)
    assert result.format == fmt
    assert result.episode.title == title
    assert [(t.speaker, t.start, t.text) for t in result.turns] == expected


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_markup_furniture_or_stage_directions_in_text(name):
    for turn in parsed(name).turns:
        for leak in LEAKS:
            assert not leak.search(turn.text), (turn.line, leak.pattern, turn.text)


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_non_blank_line_is_accounted_for(name):
    result = parsed(name)
    assert result.loss is None
    assert result.accounting.unaccounted == []


def _classes(name):
    result = parsed(name)
    lines = (REAL / name).read_text(encoding="utf-8").split("\n")
    return {lines[use.line - 1].strip(): use.cls for use in result.accounting.lines}


# file -> [(a whole source line, stripped, its class)]
LINE_CLASSES = {
    "published/scotus_alderson_tika.txt": [
        ("IN THE SUPREME COURT OF THE UNITED STATES", "metadata"),
        ("APPEARANCES:", "metadata"),
        ("C O N T E N T S", "metadata"),
        ("25", "chrome"),  # the margin's line numbers, one a line
        (
            "1111 14th Street, NW Suite 400 Alderson Reporting Company Washington, DC 20005",
            "chrome",
        ),
        ("1-800-FOR-DEPO", "chrome"),
        ("P R O C E E D I N G S", "metadata"),
        ("(10:03  a.m.)", "timing"),
        ("ORAL ARGUMENT OF PAMELA S. KARLAN", "metadata"),
        ("CHIEF JUSTICE ROBERTS: We’ll hear argument", "text"),
    ],
    "published/nysenate_roundtable.txt": [
        ("1      BEFORE THE NEW YORK STATE SENATE", "metadata"),
        ("10      PRESIDING:", "metadata"),
        ("11         Senator Diane J. Savino", "metadata"),
        ("1      SPEAKERS:                               PAGE  QUESTIONS", "metadata"),
        ("SPEAKERS (Continued):                   PAGE  QUESTIONS", "metadata"),
        ("---oOo---", "metadata"),
        ("4", "chrome"),  # the page number
        ("1             SENATOR SAVINO:  So, good morning, everyone.", "text"),
        ("20                  [Applause.]", "non_speech"),
    ],
    "published/nysenate_revenue_conference.txt": [
        ("7      PRESENT:", "metadata"),
        ("Budget Director", "metadata"),
        ("SPEAKERS:                               PAGE QUESTIONS", "metadata"),
        ("Chris Varvares                            32     110", "metadata"),
        ("22", "chrome"),
        ("1             ROBERT L. MEGNA:  Good afternoon.", "text"),
    ],
    "published/podlets_front_matter_markers.md": [
        ("# General note: look at other episode files and follow the same format", "metadata"),
        ("hosts:", "metadata"),
        ("- name: Duffie Cooley", "metadata"),
        ("url: https://zalando.com/", "metadata"),
        ("[INTRODUCTION]", "non_speech"),
        ("[EPISODE]", "non_speech"),
        (
            "[0:00:40.4] DC: Good afternoon everybody and welcome to Episode 21 of The Podlets. "
            "In this episode, we’re going to explore orchestrators and runtimes and we’re going to "
            "just kind of break in to those topics and maybe like talk about a couple of things that "
            "we’ve seen. It should be a pretty fun discussion.",
            "text",
        ),
    ],
    "published/podlets_end_markers.md": [
        ("[END OF EPISODE]", "non_speech"),
        ("[END]", "non_speech"),
    ],
    "published/nysenate_budget_hearing.txt": [
        ("1", "chrome"),  # the page number, top right
        ("3   PRESENT:   (Continued)", "metadata"),
        ("4      Assemblyman William Colton", "metadata"),
        ("3                    LIST OF SPEAKERS, Cont.", "metadata"),
        ("5   Donna Stelling-Gurnett", "metadata"),
        ("22   SUNY Plattsburgh                    500       505", "metadata"),
        ("Higher Education", "chrome"),  # the running header
        ("14         SENATOR LaVALLE:    That's all right.", "text"),
    ],
    "published/eipip_bold_time_links.md": [
        ("### Moderator: Pooja Ranjan", "metadata"),
        ("## [ethereum/EIPs#8590](https://github.com/ethereum/EIPs/pull/8590)", "metadata"),
        ("[ethereum/EIPs#8390](https://github.com/ethereum/EIPs/pull/8390)", "metadata"),
        ("## Update to EIP-1", "metadata"),
        (
            "**Bumblefudge** [8:38](https://www.youtube.com/watch?v=WYBETopsYL4&t=518s): Definitely spam.",
            "text",
        ),
    ],
    "published/orbitfm_bold_names.txt": [
        ("(Intro music: Electroswing)", "non_speech"),
        ("0:00:20.2 **Jen Luker** 3.", "text"),
    ],
    "published/orbitfm_bold_names_laughs.txt": [
        ("0:12:13.3 **Jason Staten** (laughs)", "non_speech"),
    ],
    "shapes/hearing_gpo_text.txt": [
        ("OPENING STATEMENT OF HON. ANNA PRICE, U.S. SENATOR", "metadata"),
        ("[Laughter.]", "non_speech"),
        ("[Whereupon, at 11:40 a.m., the hearing was adjourned.]", "non_speech"),
    ],
    "shapes/jekyll_html_transcript.md": [
        ('<source type="audio/mpeg" src="{{ page.audio_url }}"/>', "chrome"),
        ("<details>", "chrome"),
        ("<summary><h2>Transcript</h2></summary>", "metadata"),
        ("<p><strong>Tom</strong></p>", "label"),
        ("<p>[Laughter] Lick my finger</p>", "text"),
        ("## Show Notes", "metadata"),
        ("* Weather stations for schools", "metadata"),
    ],
    "shapes/meeting_table_links.md": [
        ("### 2024-03-07", "metadata"),
        ("| Time| Transcript| Video|", "metadata"),
        (
            "| 0:00:24| [inaudible]| [source video]"
            "(https://archive.example.org/details/towncouncil240307?start=24)|",
            "non_speech",
        ),
    ],
    "shapes/segments_table_speakers.md": [
        ("diarization: true", "metadata"),
        ("# Transcript", "metadata"),
        ("| ---: | --- | --- | --- | --- |", "timing"),
        ("| 4 | 00:00:12.100 | 00:00:13.000 | UNKNOWN | [laughs] |", "non_speech"),
    ],
    "shapes/npr_show_notes.md": [
        ("title: 240312) The weather station on the school roof", "metadata"),
        ("MAYA CHEN, HOST:", "label"),
        ("(SOUNDBITE OF WIND CHIMES)", "non_speech"),
        ("(LAUGHTER)", "non_speech"),
        ("UNIDENTIFIED REPORTER: (Reading) Storms are expected after six tonight.", "text"),
    ],
}


@pytest.mark.parametrize("name", sorted(LINE_CLASSES))
def test_line_classes(name):
    classes = _classes(name)
    assert [(line, classes.get(line)) for line, _ in LINE_CLASSES[name]] == LINE_CLASSES[name]


def test_news_caps_labels_once_are_speakers_and_host_roles_are_hosts():
    result = parsed("shapes/npr_show_notes.md")
    assert sorted(result.episode.hosts) == ["MAYA CHEN", "TOM OKAFOR"]
    assert [t.speaker_label for t in result.turns if t.speaker == "TOM OKAFOR"] == [
        "TOM OKAFOR",
        "OKAFOR",
        "OKAFOR",
        "OKAFOR",
    ]


def test_a_table_transcript_gives_its_date_and_ends_and_keeps_no_column_but_the_words():
    result = parsed("shapes/meeting_table_links.md")
    assert result.episode.date == "2024-03-07"
    assert all("source video" not in t.text and "http" not in t.text for t in result.turns)
    tool = parsed("shapes/segments_table_speakers.md")
    assert [t.end for t in tool.turns] == [4.2, 12.1, 15.5, 18.0]
    assert tool.episode.lang == "en"


# A name alone on its line, what that person said below it: a label line where the file
# confirms it (each name so at least twice, two speakers at least). Else the line is text.
NAME_LINES = [
    (
        "Tom\n\nHi, I am Tom. How are you?\n\nMaya\n\nHi, Tom. Good.\n\nTom\n\nWhat is on the "
        "roof?\n\nMaya\n\nA weather station.\n",
        ["Tom", "Maya", "Tom", "Maya"],
    ),
    (
        "**Tom**\n\nHi, I am Tom.\n\n**Maya**\n\nHi, Tom.\n\n**Tom**\n\nWhat is on the roof?\n\n"
        "**Maya**\n\nA weather station.\n",
        ["Tom", "Maya", "Tom", "Maya"],
    ),
    # One speaker named once, a reply on its own line twice: no labels are made up.
    ("Tom\n\nHi, I am Tom.\n\nYeah\n\nGood.\n\nYeah\n\nFine.\n", [None, None, None]),
]


@pytest.mark.parametrize("text, speakers", NAME_LINES)
def test_a_name_on_its_own_line_labels_the_lines_below_where_the_file_confirms_it(text, speakers):
    from podkb.ingest.pipeline import parse_bytes

    _episode, turns, _digest, _fmt = parse_bytes(text.encode(), path=REAL / "unsaved.txt")
    assert [t.speaker for t in turns] == speakers


def test_whisper_cpp_ranges_give_each_turn_its_end_and_each_segment_its_time():
    result = parsed("published/whispercpp_max_len.txt")
    (turn,) = result.turns
    assert turn.end == 11.0
    starts = [t for _off, t in turn.times]
    assert starts == [0.0, 0.85, 1.59, 4.14, 5.66, 6.84, 8.43, 9.44, 10.02]
    turns = parsed("published/whispercpp_tinydiarize.txt").turns
    assert [t.end for t in turns][:3] == [3.8, 6.2, 8.26]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "[00:00:00 - 00:00:15] 主持人：大家好。\n\n[00:00:15 - 00:01:30] 张明：好的。\n\n"
            "[00:01:30 - 00:02:45] 主持人：很好。\n",
            [("主持人", 0.0, 15.0), ("张明", 15.0, 90.0), ("主持人", 90.0, 165.0)],
        ),
        (
            "[00:00.000 --> 00:04.000]  Welcome back.\n[00:04.000 --> 00:06.500]  Thanks, Maya.\n",
            [(None, 0.0, 4.0), (None, 4.0, 6.5)],
        ),
    ],
)
def test_a_time_range_before_the_text_is_the_start_and_end(text, expected):
    from podkb.ingest.pipeline import parse_bytes

    _episode, turns, _digest, _fmt = parse_bytes(text.encode(), path=REAL / "unsaved.txt")
    assert [(t.speaker, t.start, t.end) for t in turns] == expected


def test_a_tab_in_speech_is_a_space():
    from podkb.ingest.pipeline import parse_bytes

    text = "Maya:\tWelcome back.\tToday, soil.\n\nTom:\tThanks.\n\nMaya:\tBye.\n\nTom:\tBye.\n"
    _episode, turns, _digest, _fmt = parse_bytes(text.encode(), path=REAL / "unsaved.txt")
    assert [(t.speaker, t.text) for t in turns] == [
        ("Maya", "Welcome back. Today, soil."),
        ("Tom", "Thanks."),
        ("Maya", "Bye."),
        ("Tom", "Bye."),
    ]


def test_a_marker_alone_on_a_line_of_a_text_transcript_is_not_speech():
    from podkb.ingest.pipeline import parse_bytes

    text = "Maya: Welcome back.\n\n[Music]\n\nTom: Thanks.\n\nMaya: So (laughs) stations.\n\nTom: Yes.\n"
    _episode, turns, _digest, _fmt = parse_bytes(text.encode(), path=REAL / "unsaved.txt")
    assert [t.text for t in turns] == ["Welcome back.", "Thanks.", "So stations.", "Yes."]


# The Senate publishes these files with CRLF line ends (the 2020 one with LF) and a form feed at
# the start of each page's number line, as OpenLegislation's HearingTextUtils splits them.
SENATE_BYTES = [
    ("published/nysenate_roundtable.txt", b"\r\n", 4, 229),
    ("published/nysenate_revenue_conference.txt", b"\r\n", 3, 172),
    ("published/nysenate_budget_hearing.txt", b"\n", 6, 327),
]


@pytest.mark.parametrize("name, line_end, form_feeds, line_ends", SENATE_BYTES)
def test_senate_page_breaks_and_line_ends_never_reach_text_or_shift_lines(
    name, line_end, form_feeds, line_ends
):
    data = (REAL / name).read_bytes()
    assert data.count(b"\f") == form_feeds
    assert data.count(b"\n") == data.count(line_end) == line_ends
    result = parsed(name)
    source = data.decode("utf-8").split("\n")
    for turn in result.turns:
        assert not re.search(r"[\f\r]", turn.text), turn.line
        first_words = " ".join(turn.text.split()[:2])
        assert first_words in " ".join(source[turn.line - 1].split()), (turn.line, first_words)


def test_a_heading_that_is_a_link_names_the_chapter_by_its_text():
    chapters = [t.chapter for t in parsed("published/eipip_bold_time_links.md").turns]
    assert chapters == [None, None] + ["ethereum/EIPs#8590"] * 7 + ["Update to EIP-1"] * 4
