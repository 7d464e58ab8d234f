#!/usr/bin/env bash
# Re-creates this fixture folder from scratch with a casevault 0.4.0 binary:
#
#   Tests/Fixtures/v0.4.0/generate.sh /path/to/casevault-0.4.0
#
# It drives only the command line, as the organisation's users would, and writes:
#   vault.casevault       the vault (one self-contained SQLite file, no -wal or -shm)
#   passphrases/NAME.pass each user's passphrase (interactive key derivation: fast tests)
#   recovery-code.txt     the first admin's recovery code, as init printed it
#   inputs/               the request files, contacts, narratives and notes it was fed
#   referral/             a partner's key pair, a packet sealed to it, the organisation key
#   cases.tsv             label, id and story of each case logged one by one
#   expected/             what each role read with 0.4.0: commands.tsv lists every command,
#                         NAME.stdout its output, NAME.stderr its standard error when not empty
#
# Once a release's fixture is committed it is never regenerated: the case ids, timestamps and
# ciphertexts differ on every run. A new format gets a new folder, written by its own release.
set -euo pipefail

if [[ $# -ne 1 || ! -x $1 ]]; then
    echo "usage: $0 PATH-TO-CASEVAULT-0.4.0" >&2
    exit 2
fi
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
version=$("$BIN" --version)
if [[ $version != 0.4.0 ]]; then
    echo "$BIN is casevault $version; this fixture is written by 0.4.0" >&2
    exit 1
fi
# The recorded outputs hold no local times (timestamps are UTC, dates use the vault's zone);
# a fixed zone and locale keep it so whatever the machine says.
export TZ=UTC LC_ALL=C.UTF-8
unset CASEVAULT_VAULT CASEVAULT_USER CASEVAULT_PASSPHRASE_FILE

cd "$HERE"
rm -rf vault.casevault vault.casevault-wal vault.casevault-shm passphrases recovery-code.txt inputs referral \
    cases.tsv expected
mkdir -p passphrases inputs/contacts inputs/narratives inputs/notes referral expected

ADMIN=lead-irina
COORD=coord-anna
COORD2=coord-pavel
LAWYER=lawyer-boris
LAWYER2=lawyer-dina
AUDITOR=auditor-vera
for user in $ADMIN $COORD $COORD2 $LAWYER $LAWYER2 $AUDITOR; do
    printf 'fixture passphrase of %s, 0.4.0\n' "$user" > "passphrases/$user.pass"
done

# Runs casevault as USER on the vault: cv USER ARGS...
cv() {
    local user=$1
    shift
    "$BIN" "$@" --vault vault.casevault --user "$user" --passphrase-file "passphrases/$user.pass"
}

# Runs a workflow event, reading the note from inputs/notes/NOTE when given: event USER ID EVENT [NOTE] [OPTS...]
event() {
    local user=$1 id=$2 name=$3
    shift 3
    if [[ $# -gt 0 && $1 != --* ]]; then
        local note=$1
        shift
        cv "$user" case event "$id" "$name" --note-file "inputs/notes/$note" "$@" > /dev/null
    else
        cv "$user" case event "$id" "$name" "$@" > /dev/null
    fi
}

# ---------------------------------------------------------------------------------------------
# The vault, its users, settings and partners.

"$BIN" init --admin "$ADMIN" --kdf interactive --vault vault.casevault --passphrase-file "passphrases/$ADMIN.pass" \
    --json > inputs/init.json
python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["recoveryCode"])' inputs/init.json \
    > recovery-code.txt
rm inputs/init.json

add_user() {
    cv "$ADMIN" user add "$1" --role "$2" --kdf interactive --new-passphrase-file "passphrases/$1.pass" > /dev/null
}
add_user "$COORD" coordinator
add_user "$COORD2" coordinator
add_user "$LAWYER" lawyer
add_user "$LAWYER2" lawyer
add_user "$AUDITOR" auditor

cv "$ADMIN" settings --time-zone Europe/Moscow --strict-text off --keep-contact off > /dev/null

"$BIN" referral keygen --out referral/partner.key > referral/partner-public-key.txt
cv "$ADMIN" partner add SafeExit --services exit,legal,documents \
    --public-key "$(cat referral/partner-public-key.txt)" > /dev/null
cv "$ADMIN" partner add MedCommissionHelp --services medical,psychological > /dev/null
cv "$ADMIN" partner add DocumentsDesk --services documents,legal > /dev/null

# ---------------------------------------------------------------------------------------------
# Bulk intake: 246 requests received June to November 2023, more in the autumn, most from Moscow
# and St Petersburg, so month-by-region and month-by-district tables have cells of 10 and more
# next to small ones that must be suppressed. Deterministic: a fixed seed, and only random().

python3 - > inputs/requests.jsonl <<'PYTHON'
import json
import random

rng = random.Random(20230601)

def pick(weighted):
    total = sum(weight for _, weight in weighted)
    point = rng.random() * total
    for value, weight in weighted:
        point -= weight
        if point < 0:
            return value
    return weighted[-1][0]

months = [(2023, 6, 30, 28), (2023, 7, 31, 31), (2023, 8, 31, 34),
          (2023, 9, 30, 46), (2023, 10, 31, 52), (2023, 11, 30, 55)]
regions = [("RU-MOW", 26), ("RU-SPE", 12), ("RU-MOS", 7), ("RU-SVE", 6), ("RU-BA", 5), ("RU-TA", 4),
           ("RU-KDA", 4), ("RU-NVS", 3), ("RU-CHE", 3), ("RU-SAM", 3), ("RU-BU", 3), ("RU-ZAB", 2),
           ("RU-PRI", 2), ("RU-DA", 3), ("RU-ROS", 3), ("RU-IRK", 2), ("RU-KYA", 2), ("RU-PER", 2),
           ("RU-NIZ", 2), ("RU-ORE", 2), ("RU-TY", 2), ("UA-43", 1), ("unknown", 3)]
channels = [("messenger", 70), ("email", 12), ("phone", 8), ("in-person", 3), ("partner", 7)]
services = [("mobilized", 55), ("contract", 20), ("conscript", 10), ("volunteer", 5), ("unknown", 10)]
situations = [("front", 30), ("hospital", 12), ("leave", 25), ("awol", 13), ("abroad", 10), ("other", 10)]
needs = [("legal", 0.8), ("exit", 0.35), ("documents", 0.2), ("medical", 0.15),
         ("psychological", 0.1), ("other", 0.05)]
urgencies = [("critical", 10), ("high", 30), ("normal", 60)]
narratives = [
    "Мобилизован осенью 2022 года, сейчас в отпуске после ранения. Не хочет возвращаться в часть, "
    "просит консультацию о законных способах.",
    "Находится в госпитале, командование торопит с выпиской. Нужна помощь с военно-врачебной комиссией.",
    "Контрактник, срок контракта истёк, но увольнение не оформляют. Спрашивает, какие документы собрать.",
    "Ушёл из части, сейчас в другом регионе. Просит связаться через мессенджер вечером.",
    "Пишет жена: муж на передовой, связь раз в неделю. Просит объяснить, что можно сделать.",
    "Срочник, на него давят, чтобы подписал контракт. Хочет знать свои права.",
    "Wounded in the summer, on leave until the end of the month. Asks how to avoid being sent back.",
    "Currently abroad; needs help with documents for a residence permit and a lawyer's opinion.",
    "Conscript pressed to sign a contract. Wants legal advice before the weekend.",
    "Volunteer battalion, no contract copy. Asks what his status is and how to leave.",
]
# Identifying details the vault's non-strict policy stores with a warning.
flagged = {
    17: "Служит в в/ч 12345, командир угрожает отправить обратно. Просит срочную консультацию.",
    101: "Call him back on +7 900 555 12 34 after 8 pm; he is in hospital and cannot write.",
}

index = 0
for year, month, days, count in months:
    for _ in range(count):
        index += 1
        day = 1 + int(rng.random() * days)
        received = f"{year:04d}-{month:02d}-{day:02d}"
        request = {
            "received": received, "channel": pick(channels), "region": pick(regions),
            "service": pick(services), "situation": pick(situations),
        }
        chosen = [need for need, chance in needs if rng.random() < chance]
        request["needs"] = chosen or ["legal"]
        urgency = pick(urgencies)
        request["urgency"] = urgency
        chance = {"critical": 1.0, "high": 0.5, "normal": 0.1}[urgency]
        if rng.random() < chance:
            ahead = {"critical": 3, "high": 10, "normal": 20}[urgency]
            deadline_day = day + 1 + int(rng.random() * ahead)
            deadline_month = month
            if deadline_day > days:
                deadline_day -= days
                deadline_month += 1
            request["deadline"] = f"2023-{deadline_month:02d}-{deadline_day:02d}"
        roll = rng.random()
        if roll < 0.55:
            request["contact"] = f"@fx_req_{index:03d}"
        elif roll < 0.75:
            request["contact"] = f"+7 900 555-{index // 100:02d}-{index % 100:02d}"
        elif roll < 0.82:
            request["contact"] = f"req{index:03d}@example.org"
        if index in (5, 58):
            request["contact"] = "@fx_req_005"  # the same person twice: a duplicate notice
        if index in flagged:
            request["narrative"] = flagged[index]
        elif rng.random() < 0.6:
            request["narrative"] = narratives[int(rng.random() * len(narratives))]
        print(json.dumps(request, ensure_ascii=False))
PYTHON

cv "$COORD" case import --jsonl inputs/requests.jsonl > inputs/imported-ids.txt 2> inputs/import-stderr.txt
mapfile -t imported < inputs/imported-ids.txt
if [[ ${#imported[@]} -ne 246 ]]; then
    echo "the import stored ${#imported[@]} requests, not 246" >&2
    exit 1
fi

# Some imported requests move on, so counts by state have cells of 10 and more: every fourth is
# submitted (the second coordinator submits half), every third of those is reviewed by a lawyer,
# and some of those are closed; every twentieth of the rest is withdrawn by a coordinator.
submitted=()
for ((i = 0; i < ${#imported[@]}; i += 4)); do
    submitter=$COORD
    ((i % 8 == 0)) && submitter=$COORD2
    event "$submitter" "${imported[i]}" submit
    submitted+=("${imported[i]}")
done
for ((j = 0; j < ${#submitted[@]}; j += 3)); do
    reviewer=$LAWYER
    ((j % 2 == 1)) && reviewer=$LAWYER2
    event "$reviewer" "${submitted[j]}" begin-review
    if ((j % 9 == 0)); then
        event "$reviewer" "${submitted[j]}" close --outcome advised
    elif ((j % 9 == 3)); then
        event "$reviewer" "${submitted[j]}" close --outcome out-of-scope
    fi
done
for ((i = 1; i < ${#imported[@]}; i += 20)); do
    event "$COORD" "${imported[i]}" close --outcome withdrawn
done

# ---------------------------------------------------------------------------------------------
# Cases logged one by one, each left in a state the fixture must cover. Inputs are files, as the
# command line requires; cases.tsv names each case's id.

write() { printf '%s\n' "$2" > "inputs/$1"; }
write contacts/anna-1.txt "@fx_soldier_krasnov"
write contacts/anna-2.txt "+7 900 555-77-01"
write contacts/anna-3.txt "fx.relative@example.org"
write contacts/pavel-1.txt "@fx_medic_ward4"
write contacts/pavel-2.txt "@fx_exit_2023"
write contacts/pavel-3.txt "+7 900 555-77-02"
write narratives/ru-leave.txt "Мобилизован в октябре 2022 года. Сейчас в отпуске по ранению до 10 ноября, \
после этого должен вернуться в часть. Просит объяснить, можно ли пройти военно-врачебную комиссию и \
какие документы для этого нужны.
Связь только через мессенджер, вечером."
write narratives/ru-hospital.txt "Находится в госпитале в Ростове, лечение заканчивается. Врачи говорят, \
что годен с ограничениями, но командир требует вернуться на передовую."
write narratives/ru-awol.txt "Не вернулся из отпуска, живёт у родственников. Боится уголовного дела, \
хочет понять, что ему грозит и как легально выехать."
write narratives/en-abroad.txt "Left Russia in September through Kazakhstan. His passport expires next year; \
he asks which papers he needs to stay and whether he is listed as a deserter."
write narratives/en-contract.txt "Signed a six-month contract in spring; it was extended automatically. \
He wants to know how to terminate it and whether his commander can refuse."
write narratives/ru-unit.txt "Служит в войсковой части 54321, на него давят подписать контракт. \
Мать просит помочь."
write notes/intake-first-call.txt "Первый звонок: просит писать только в мессенджер, голосом не звонить."
write notes/intake-en.txt "Spoke briefly; he will send scans of the medical papers on Monday."
write notes/legal-assessment.txt "Оценка: основания для направления на ВВК есть (ранение, заключение \
госпиталя). Рекомендуем подать рапорт до окончания отпуска."
write notes/legal-en.txt "Assessment: the contract extension clause does not apply to him; a written \
termination request is possible."
write notes/legal-by-coordinator.txt "For the lawyer: the relative says he was threatened with a criminal \
case if he asks for the commission."
write notes/request-info.txt "Нужны копии выписки из госпиталя и справки о ранении."
write notes/declined.txt "The partner has no capacity in his region this month."
write notes/reopen.txt "He wrote again: the situation has changed, he was ordered back to the front."
write notes/needs-info-reply.txt "Ответил: выписку пришлёт, справки о ранении нет."

declare -A label_ids label_notes
cases_order=()
new_case() {  # new_case LABEL USER STORY OPTIONS...
    local label=$1 user=$2 story=$3
    shift 3
    local id
    id=$(cv "$user" case new "$@" 2>> inputs/case-new-stderr.txt)
    label_ids[$label]=$id
    label_notes[$label]=$story
    cases_order+=("$label")
}

new_case intake "$COORD" "critical, deadline passed, Russian narrative, intake note; stays in intake" \
    --received 2023-11-02 --channel messenger --region RU-SVE --service mobilized --situation leave \
    --need legal,medical --urgency critical --deadline 2023-11-05 \
    --contact-file inputs/contacts/anna-1.txt --narrative-file inputs/narratives/ru-leave.txt
new_case awaiting-review "$COORD" "high, deadline passed, English narrative; submitted" \
    --received 2023-11-06 --channel email --region RU-MOW --service contract --situation front \
    --need legal --urgency high --deadline 2023-11-20 \
    --contact-file inputs/contacts/anna-3.txt --narrative-file inputs/narratives/en-contract.txt
new_case in-review "$COORD2" "critical; lawyer-boris reviews; intake and legal notes, a legal note by a coordinator" \
    --received 2023-10-28 --channel phone --region RU-ROS --service mobilized --situation hospital \
    --need legal,medical --urgency critical --deadline 2023-11-03 \
    --contact-file inputs/contacts/pavel-1.txt --narrative-file inputs/narratives/ru-hospital.txt
new_case needs-info "$COORD" "lawyer-dina asked for information; the coordinator noted the reply" \
    --received 2023-10-15 --channel messenger --region RU-BU --service mobilized --situation leave \
    --need medical,documents --urgency high --deadline 2023-10-30 \
    --contact-file inputs/contacts/anna-2.txt
new_case referred-accepted "$COORD2" "referred to SafeExit with consent, accepted; the packet is referral/packet.cvr" \
    --received 2023-09-21 --channel messenger --region RU-SPE --service mobilized --situation awol \
    --need exit,legal --urgency critical --deadline 2023-09-25 \
    --contact-file inputs/contacts/pavel-2.txt --narrative-file inputs/narratives/ru-awol.txt
new_case referred-sent "$COORD" "referred to MedCommissionHelp with consent, not yet accepted" \
    --received 2023-09-12 --channel partner --region RU-TA --service conscript --situation front \
    --need psychological --urgency normal
new_case closed-advised "$COORD" "lawyer-boris advised and closed it: the contact is erased" \
    --received 2023-08-08 --channel email --region unknown --service contract --situation abroad \
    --need legal,documents --urgency normal --deadline 2023-08-31 \
    --contact-file inputs/contacts/pavel-3.txt --narrative-file inputs/narratives/en-abroad.txt
new_case closed-referral-completed "$COORD2" "referred to DocumentsDesk, accepted, closed as completed" \
    --received 2023-07-19 --channel messenger --region RU-NVS --service volunteer --situation leave \
    --need documents --urgency high --deadline 2023-07-28 \
    --contact-file inputs/contacts/anna-1.txt
new_case closed-withdrawn "$COORD" "the coordinator closed it from intake as withdrawn" \
    --received 2023-06-14 --channel in-person --region RU-MOW --service unknown --situation other \
    --need other --urgency normal
new_case closed-duplicate "$COORD2" "the same contact as 'intake' (a duplicate notice); closed as duplicate" \
    --received 2023-11-03 --channel messenger --region RU-SVE --service mobilized --situation leave \
    --need legal --urgency critical --deadline 2023-11-05 \
    --contact-file inputs/contacts/anna-1.txt
new_case closed-lost-contact "$COORD" "information requested, no answer; the coordinator closed it" \
    --received 2023-07-03 --channel phone --region RU-DA --service mobilized --situation awol \
    --need legal,exit --urgency high \
    --contact-file inputs/contacts/anna-2.txt --narrative-file inputs/narratives/ru-unit.txt
new_case reopened "$COORD2" "closed as out of scope by lawyer-dina, reopened with a note" \
    --received 2023-06-27 --channel messenger --region UA-43 --service contract --situation front \
    --need exit --urgency normal --deadline 2023-07-15
new_case reassigned "$COORD" "lawyer-boris began the review; the admin reassigned it to lawyer-dina" \
    --received 2023-10-02 --channel messenger --region RU-MOS --service mobilized --situation hospital \
    --need medical,legal,psychological --urgency high --deadline 2023-10-20 \
    --contact-file inputs/contacts/pavel-1.txt --narrative-file inputs/narratives/en-contract.txt
new_case referral-declined "$COORD2" "referred to MedCommissionHelp, declined with a note: back in review" \
    --received 2023-09-30 --channel messenger --region RU-CHE --service mobilized --situation hospital \
    --need medical --urgency critical --deadline 2023-10-04

case_id() { printf '%s' "${label_ids[$1]}"; }

cv "$COORD" case note "$(case_id intake)" --text-file inputs/notes/intake-first-call.txt > /dev/null
event "$COORD" "$(case_id awaiting-review)" submit

event "$COORD2" "$(case_id in-review)" submit
event "$LAWYER" "$(case_id in-review)" begin-review
cv "$COORD2" case note "$(case_id in-review)" --text-file inputs/notes/intake-en.txt > /dev/null
cv "$LAWYER" case note "$(case_id in-review)" --text-file inputs/notes/legal-assessment.txt --legal > /dev/null
cv "$COORD2" case note "$(case_id in-review)" --text-file inputs/notes/legal-by-coordinator.txt --legal > /dev/null

event "$COORD" "$(case_id needs-info)" submit
event "$LAWYER2" "$(case_id needs-info)" begin-review
event "$LAWYER2" "$(case_id needs-info)" request-info request-info.txt
cv "$COORD" case note "$(case_id needs-info)" --text-file inputs/notes/needs-info-reply.txt > /dev/null

event "$COORD2" "$(case_id referred-accepted)" submit
event "$LAWYER" "$(case_id referred-accepted)" begin-review
cv "$LAWYER" case note "$(case_id referred-accepted)" --text-file inputs/notes/legal-en.txt --legal > /dev/null
event "$LAWYER" "$(case_id referred-accepted)" refer --partner SafeExit --consent
event "$LAWYER" "$(case_id referred-accepted)" referral-accepted
cv "$LAWYER" referral packet "$(case_id referred-accepted)" \
    --fields received,region,district,situation,needs,urgency,deadline,contact,narrative \
    --out referral/packet.cvr > inputs/packet-stdout.txt
sed -n 's/.*organisation key \([A-Za-z0-9+/=]*\)$/\1/p' inputs/packet-stdout.txt > referral/org-key.txt
rm inputs/packet-stdout.txt

event "$COORD" "$(case_id referred-sent)" submit
event "$LAWYER2" "$(case_id referred-sent)" begin-review
event "$LAWYER2" "$(case_id referred-sent)" refer --partner MedCommissionHelp --consent

event "$COORD" "$(case_id closed-advised)" submit
event "$LAWYER" "$(case_id closed-advised)" begin-review
cv "$LAWYER" case note "$(case_id closed-advised)" --text-file inputs/notes/legal-en.txt --legal > /dev/null
event "$LAWYER" "$(case_id closed-advised)" close --outcome advised

event "$COORD2" "$(case_id closed-referral-completed)" submit
event "$LAWYER" "$(case_id closed-referral-completed)" begin-review
event "$LAWYER" "$(case_id closed-referral-completed)" refer --partner DocumentsDesk --consent
event "$LAWYER" "$(case_id closed-referral-completed)" referral-accepted
event "$LAWYER" "$(case_id closed-referral-completed)" close --outcome referral-completed

event "$COORD" "$(case_id closed-withdrawn)" close --outcome withdrawn
event "$COORD2" "$(case_id closed-duplicate)" close --outcome duplicate

event "$COORD" "$(case_id closed-lost-contact)" submit
event "$LAWYER2" "$(case_id closed-lost-contact)" begin-review
event "$LAWYER2" "$(case_id closed-lost-contact)" request-info request-info.txt
event "$COORD" "$(case_id closed-lost-contact)" close --outcome lost-contact

event "$COORD2" "$(case_id reopened)" submit
event "$LAWYER2" "$(case_id reopened)" begin-review
event "$LAWYER2" "$(case_id reopened)" close --outcome out-of-scope
event "$LAWYER2" "$(case_id reopened)" reopen reopen.txt

event "$COORD" "$(case_id reassigned)" submit
event "$LAWYER" "$(case_id reassigned)" begin-review
event "$ADMIN" "$(case_id reassigned)" reassign --assignee "$LAWYER2"

event "$COORD2" "$(case_id referral-declined)" submit
event "$LAWYER" "$(case_id referral-declined)" begin-review
event "$LAWYER" "$(case_id referral-declined)" refer --partner MedCommissionHelp --consent
event "$LAWYER" "$(case_id referral-declined)" referral-declined declined.txt

{
    printf '# label\tid\tstory\n'
    for label in "${cases_order[@]}"; do
        printf '%s\t%s\t%s\n' "$label" "${label_ids[$label]}" "${label_notes[$label]}"
    done
} > cases.tsv

# ---------------------------------------------------------------------------------------------
# One self-contained file: every process has exited; fold any WAL back into the file.

python3 - vault.casevault <<'PYTHON'
import sqlite3
import sys

connection = sqlite3.connect(sys.argv[1])
busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
connection.close()
if busy:
    sys.exit("the WAL checkpoint was blocked: is another casevault still running?")
PYTHON
rm -f vault.casevault-wal vault.casevault-shm

# ---------------------------------------------------------------------------------------------
# What each role reads, recorded on a scratch copy so the committed vault stays as written.
# commands.tsv: NAME, USER ('-' for no vault), EXIT, then the arguments, tab-separated. A command
# with a user runs with '--vault vault.casevault --user USER --passphrase-file passphrases/USER.pass'
# appended, from a folder holding copies of vault.casevault, passphrases/ and referral/.

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -R vault.casevault passphrases referral "$scratch/"
manifest="$HERE/expected/commands.tsv"
printf '# name\tuser\texit\targuments... (see generate.sh)\n' > "$manifest"

record() {  # record NAME USER ARGS...
    local name=$1 user=$2 status=0
    shift 2
    local out="$HERE/expected/$name.stdout" err="$HERE/expected/$name.stderr"
    if [[ $user == - ]]; then
        (cd "$scratch" && "$BIN" "$@") > "$out" 2> "$err" || status=$?
    else
        (cd "$scratch" && "$BIN" "$@" --vault vault.casevault --user "$user" \
            --passphrase-file "passphrases/$user.pass") > "$out" 2> "$err" || status=$?
    fi
    [[ -s $err ]] || rm "$err"
    local IFS=$'\t'
    printf '%s\t%s\t%s\t%s\n' "$name" "$user" "$status" "$*" >> "$manifest"
}

for role in coordinator lawyer admin; do
    case $role in
        coordinator) user=$COORD ;;
        lawyer) user=$LAWYER ;;
        admin) user=$ADMIN ;;
    esac
    record "$role-case-list" "$user" case list
    record "$role-case-list-json" "$user" case list --json
    record "$role-case-list-state-awaiting-review-json" "$user" case list --state awaiting-review --json
    record "$role-case-list-state-closed" "$user" case list --state closed
    record "$role-case-list-overdue-json" "$user" case list --overdue --json
    record "$role-case-list-urgency-critical" "$user" case list --urgency critical
    record "$role-case-list-assignee-$LAWYER-json" "$user" case list --assignee "$LAWYER" --json
    record "$role-case-list-assignee-$LAWYER2-state-in-review" "$user" case list --assignee "$LAWYER2" \
        --state in-review
    for label in "${cases_order[@]}"; do
        record "$role-case-show-$label-json" "$user" case show "$(case_id "$label")" --json
    done
    record "$role-case-show-imported-1-json" "$user" case show "${imported[0]}" --json
    record "$role-case-show-imported-17-json" "$user" case show "${imported[16]}" --json
    for label in intake in-review referred-accepted closed-advised; do
        record "$role-case-show-$label" "$user" case show "$(case_id "$label")"
    done
    record "$role-settings" "$user" settings
    record "$role-partner-list-json" "$user" partner list --json
done
record admin-settings-json "$ADMIN" settings --json
record admin-user-list "$ADMIN" user list
record admin-user-list-json "$ADMIN" user list --json
record admin-partner-list "$ADMIN" partner list
record auditor-case-list "$AUDITOR" case list
record auditor-case-show-intake "$AUDITOR" case show "$(case_id intake)"
record auditor-settings "$AUDITOR" settings
for role in auditor coordinator; do
    user=$AUDITOR
    [[ $role == coordinator ]] && user=$COORD
    record "$role-export-month-region" "$user" export counts --by month,region --from 2023-06 --to 2023-11
    record "$role-export-month-district-json" "$user" export counts --by month,district --format json \
        --from 2023-06 --to 2023-11
    record "$role-export-need-state" "$user" export counts --by need,state --from 2023-06 --to 2023-11
done
record auditor-export-month-outcome-min-cell-5 "$AUDITOR" export counts --by month,outcome --min-cell 5 \
    --from 2023-06 --to 2023-11
record auditor-export-service-situation-autumn-json "$AUDITOR" export counts --by service,situation --json \
    --from 2023-09 --to 2023-11
org_key=$(cat referral/org-key.txt)
record partner-referral-open - referral open referral/packet.cvr --partner-key referral/partner.key \
    --org-key "$org_key"
record partner-referral-open-json - referral open referral/packet.cvr --partner-key referral/partner.key \
    --org-key "$org_key" --json

ls "$scratch" | grep -q -- '-wal$' && echo "note: reading left a -wal file beside the scratch copy" >&2
echo "wrote $HERE: $(du -sh "$HERE" | cut -f1), $(($(wc -l < "$manifest") - 1)) recorded commands"
