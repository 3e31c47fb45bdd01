"""Support questions and answers the demo forum is generated from, keyed by app category.

``{app}`` is replaced by the app's name and ``{vendor}`` by its vendor's. Each entry is
(title, question, answer, follow-up or "").
"""

CATEGORY_QUESTIONS = {
    "mail-messaging": [
        (
            "{app} delivers mail twice after the upgrade",
            "Since updating {app} yesterday some users get every message twice. The duplicates have identical Message-IDs. Is this a known issue?",
            "This happens when the old delivery hook from the previous version is still registered. Open the mail server settings, remove the second `deliver` hook and restart the mail service; the queue then drains normally.",
            "Removed the old hook and restarted, no more duplicates. Thanks!",
        ),
        (
            "Outgoing mail stuck in the {app} queue",
            "About 300 messages are sitting in the queue with status *deferred*. The log says `connection timed out` for several remote domains.",
            "Check that outbound port 25 is not blocked by your provider. If it is, configure a smarthost on port 587 with authentication in the relay settings and flush the queue.",
            "",
        ),
        (
            "How do I whitelist a sender domain in {app}?",
            "A supplier's invoices keep landing in quarantine. I want to allow their whole domain without turning filtering off.",
            "Add the domain under *Policies → Allow list*. Entries apply per domain or globally; a global entry takes effect within a minute, no restart needed.",
            "Found it, works for the whole domain.",
        ),
        (
            "{app}: TLS certificate error when clients connect",
            "Outlook warns that the certificate does not match the server name after we renewed the certificate.",
            "The mail services keep their own copy of the certificate. After a renewal, re-select the new certificate in the TLS settings of {app} so both SMTP and IMAP pick it up.",
            "",
        ),
        (
            "Attachment size limit in {app}",
            "Users cannot send files above 10 MB. Where is this limit set and what is the maximum you recommend?",
            "The limit is in the message size setting. Raising it to 25 MB is safe; keep in mind most receiving servers reject anything above that anyway.",
            "",
        ),
        (
            "Spam score too aggressive with {app} after the rule update",
            "Newsletters we subscribed to are now marked as spam. Can I lower the threshold for a single mailbox?",
            "Yes: per-mailbox thresholds are under *Users → Filtering*. Set the threshold to 7 for that mailbox and train the filter with a few legitimate messages.",
            "Lowered it to 7 and trained it, newsletters arrive again.",
        ),
    ],
    "backup-storage": [
        (
            "{app} backup job fails with 'disk full' although there is space",
            "The nightly job stops at 80% with *No space left on device*, yet the target has 400 GB free.",
            "The temporary snapshot is written to the system partition before it is moved to the target. Point the staging folder to the backup disk in the job's advanced settings.",
            "Moved the staging folder and the job finished overnight.",
        ),
        (
            "How long does {app} keep old versions?",
            "We need to keep monthly backups for a year for our auditors. Can the retention be set per job?",
            "Retention is per job: keep 7 daily, 4 weekly and 12 monthly versions. Monthly versions are the first successful run of each month.",
            "",
        ),
        (
            "Restore a single file from {app}",
            "A user deleted a spreadsheet last week. Do I have to restore the whole share to get it back?",
            "No. Open the job's version browser, pick the date, navigate to the folder and restore only that file, either to its original place or to a new folder.",
            "Restored just the one file, great.",
        ),
        (
            "{app} is very slow over the VPN",
            "Backups to our second site take 14 hours over the VPN tunnel. Is there any way to speed this up?",
            "Enable deduplication and compression on the job and limit the first full run to a weekend. Later runs only send changed blocks and are usually much faster.",
            "",
        ),
        (
            "Verify that {app} backups can actually be restored",
            "Our insurer asks for proof that restores work. Does {app} have a test-restore feature?",
            "Use the scheduled verification: it restores a random sample into a scratch folder every week and mails a report you can hand to the insurer.",
            "",
        ),
        (
            "Encryption key for {app} lost after reinstall",
            "We reinstalled the gateway and now the encrypted backup sets cannot be opened. We still have the recovery sheet.",
            "Import the key from the recovery sheet under *Settings → Encryption → Import key*. Without that sheet the data cannot be decrypted by anyone, including {vendor}.",
            "The recovery sheet worked, all sets are readable again.",
        ),
    ],
    "collaboration": [
        (
            "{app}: users cannot log in after the directory change",
            "We switched the user directory to the new LDAP server and now nobody can sign in to {app}.",
            "{app} caches the directory base DN. Update it in the authentication settings, then run *Resync users*; the sign-ins work immediately afterwards.",
            "Resync did it, thank you.",
        ),
        (
            "Sharing with external partners in {app}",
            "Can we share a folder with a partner company without creating accounts for them?",
            "Yes, create a guest link with an expiry date and optionally a password. Guests can only see that folder.",
            "",
        ),
        (
            "Mobile app does not sync with {app}",
            "The iOS app shows an empty list although the web interface works fine.",
            "Mobile clients need the external address in the server settings. Set the public URL to the name on your certificate and sign in again on the phone.",
            "Set the public URL and the phone syncs now.",
        ),
        (
            "{app} notifications arrive hours late",
            "E-mail notifications are delayed by two to three hours during office hours.",
            "Notifications are sent by a background task that runs every few minutes; if it is disabled, the nightly run sends everything. Enable the task in the scheduler settings.",
            "",
        ),
        (
            "Migrating data from our old system into {app}",
            "We have five years of data in a legacy tool. Is there an import path?",
            "Export the old data to CSV or iCalendar and use the import wizard. Run a test import into a scratch workspace first to check the field mapping.",
            "",
        ),
        (
            "Permissions: read-only access for a department in {app}",
            "The accounting department should see the project folders but not change them.",
            "Create a group for the department and grant it the *Reader* role on the parent folder; the role is inherited by all subfolders.",
            "Reader role on the parent folder works perfectly.",
        ),
    ],
    "security-firewall": [
        (
            "{app} blocks our own office IP",
            "After enabling {app} the office was locked out for ten minutes. How do I make sure our own range is never blocked?",
            "Add the office range to the trusted networks list. Trusted addresses are never blocked, however many failed attempts they make.",
            "Added our range, no more lockouts.",
        ),
        (
            "False positives with {app} on a web application",
            "Our intranet upload form is blocked with rule 942100. The uploads are legitimate.",
            "Create an exception for that rule limited to the upload path rather than disabling the rule globally. The exception is applied on the next reload.",
            "",
        ),
        (
            "How do I see why {app} blocked a connection?",
            "A customer says they cannot reach us. Where can I see which rule blocked them?",
            "The event log of {app} lists each block with the rule, source address and time. Filter by the customer's address to find the entry.",
            "",
        ),
        (
            "{app} and two-factor login for administrators",
            "Is it possible to require a second factor only for administrator accounts?",
            "Yes, enforce the second factor per group. Put administrators into a group with the policy set to *required* and leave the others optional.",
            "Per-group policy is exactly what we needed.",
        ),
        (
            "Updating the rule set of {app} offline",
            "Our gateway has no internet access. Can rule updates be imported manually?",
            "Download the signed rule package on another machine and import it under *Updates → Offline import*. The signature is checked before anything is applied.",
            "",
        ),
        (
            "{app} uses a lot of CPU during peak hours",
            "CPU load goes up to 90% every morning around 9 o'clock.",
            "Deep inspection of encrypted traffic is expensive. Exclude trusted update servers from inspection and consider more CPU cores for the gateway.",
            "",
        ),
    ],
    "networking": [
        (
            "{app} loses its settings after a reboot",
            "Every time the gateway restarts, {app} comes back with default settings.",
            "The configuration was saved to the running state only. Use *Apply and save* and check that the configuration partition is not full.",
            "It was the full partition. Cleaned it up and settings persist now.",
        ),
        (
            "Hostname does not update with {app}",
            "The public address changed this morning but the hostname still points to the old one.",
            "Check the update interval and the provider credentials in the log. A wrong token makes the provider ignore updates silently.",
            "The token had expired. Works again.",
        ),
        (
            "IPv6 support in {app}",
            "Does {app} support IPv6 and does it need anything special?",
            "Yes. Enable IPv6 on the interface first; {app} then handles both address families with the same settings.",
            "",
        ),
        (
            "{app}: clients get an address from the wrong range",
            "Guests on the Wi-Fi receive addresses meant for the office network.",
            "The guest VLAN is not tagged on the access point port. Tag the port and bind the guest range to that VLAN interface.",
            "",
        ),
        (
            "Throughput drops when {app} is enabled",
            "Speed tests show 900 Mbit/s without {app} and 300 Mbit/s with it.",
            "Enable hardware offloading on the interfaces and check that the gateway is not limited by a single CPU core.",
            "",
        ),
        (
            "Logging DNS queries with {app}",
            "For troubleshooting I want to see which client asked for which name.",
            "Enable query logging in the diagnostics settings. Keep it on only while troubleshooting; the log grows quickly on a busy network.",
            "",
        ),
    ],
    "monitoring-reporting": [
        (
            "{app} does not send alert e-mails",
            "Alerts show up in the dashboard but no mail arrives.",
            "{app} sends through the gateway's mail relay. Send a test message from the notification settings; the result tells you whether the relay accepts it.",
            "The relay rejected it, fixed the credentials and alerts arrive now.",
        ),
        (
            "Custom report with {app}",
            "Management wants a monthly PDF with availability per site. Can {app} do that?",
            "Yes, create a report template with the availability widget grouped by site and schedule it monthly; the PDF is mailed to the recipients you choose.",
            "",
        ),
        (
            "Database of {app} keeps growing",
            "The monitoring database is 40 GB and the disk is filling up.",
            "Lower the retention for raw samples to 30 days; older data is kept as hourly averages, which is enough for trend reports.",
            "Retention set to 30 days, the database shrank overnight.",
        ),
        (
            "{app}: graphs show gaps every night",
            "Between 2 and 3 in the morning the graphs have holes.",
            "That is the nightly backup pausing the collector. Move the backup window or exclude the monitoring database from the live snapshot.",
            "",
        ),
        (
            "Monitoring a device over SNMPv3 with {app}",
            "Our switches only allow SNMPv3. How do I add them to {app}?",
            "Add the device with SNMP version 3, the user name, authentication protocol SHA and privacy protocol AES, then run *Test connection*.",
            "",
        ),
        (
            "Dashboard of {app} is slow to load",
            "The main dashboard takes 20 seconds with 300 hosts.",
            "Reduce the default time range of the dashboard to 24 hours and split it into one dashboard per site.",
            "",
        ),
    ],
}

GENERIC_QUESTIONS = [
    (
        "Is {app} compatible with the latest platform release?",
        "We plan to upgrade the platform next month. Will {app} keep working?",
        "{vendor} tests each platform release before it ships; the compatibility table on the app page is updated the same day.",
        "",
    ),
    (
        "Where do I find the logs of {app}?",
        "Support asked me for the logs of {app}. Where are they kept?",
        "Use *Diagnostics → Download logs*; it collects the app's logs and configuration without passwords into one archive you can attach to your request.",
        "Downloaded the archive and sent it, thanks.",
    ),
    (
        "Licence of {app} shows as expired",
        "We renewed the subscription but {app} still says the licence expired.",
        "Licences are refreshed once a day. Use *Refresh licence* on the app's settings page to fetch the renewed one immediately.",
        "Refresh licence fixed it.",
    ),
    (
        "Feature request: export settings of {app}",
        "It would help to export the settings of {app} to copy them to our second site.",
        "Thanks for the suggestion; {vendor} has it on the list. Until then the configuration backup of the gateway contains the app's settings.",
        "",
    ),
    (
        "Uninstalling {app} cleanly",
        "We are replacing {app}. Does uninstalling remove its data as well?",
        "Uninstalling keeps the data folder so a reinstall can reuse it. Tick *Remove data* in the uninstall dialog to delete everything.",
        "",
    ),
]

GENERAL_QUESTIONS = {
    "getting-started": [
        (
            "How do I install my first app?",
            "I just set up the gateway. What is the easiest way to install an app from the marketplace?",
            "Open the marketplace, pick the app and press *Install*. Dependencies are installed with it, and the app appears in the menu when it is ready.",
            "",
        ),
        (
            "Trial licences: what happens when the trial ends?",
            "We are testing a few apps. Do they stop working after the trial?",
            "Most apps switch to a limited mode and keep your data. Buying the licence unlocks everything again without reinstalling.",
            "Good to know, thanks.",
        ),
        (
            "Which apps do I need for a small office?",
            "Ten users, mail, file sharing and backups. Where should I start?",
            "A common start is a mail app, a collaboration app and a backup app. Compare their support channels on the app pages before you decide.",
            "",
        ),
        (
            "Changing the language of the web interface",
            "Can each user pick their own language?",
            "Yes, every user can choose a language in their profile; the administrator sets the default for new users.",
            "",
        ),
        (
            "Installing apps without internet access",
            "The gateway is on an isolated network. Can apps be installed offline?",
            "Download the app packages and the index on another machine and use the offline repository option.",
            "",
        ),
    ],
    "billing": [
        (
            "Invoice shows the wrong company address",
            "Our address changed; the last invoice still has the old one.",
            "Update the billing address in your account; the next invoice uses it. We can reissue the last invoice on request.",
            "Updated, thanks.",
        ),
        (
            "Refund for an app we never used",
            "We bought a yearly licence by mistake. Can we get a refund?",
            "Within 30 days of purchase a refund is possible when the app was not activated. File a billing request with the order number.",
            "",
        ),
        (
            "Moving a subscription to another organisation",
            "We were acquired. Can our subscription move to the new company?",
            "Yes, subscriptions can be transferred. Both organisations confirm the transfer and the remaining term carries over.",
            "",
        ),
        (
            "Which plan includes phone support?",
            "We want to be able to call someone when production is down.",
            "Phone support comes with the higher plans; the plan comparison lists the contact methods of each.",
            "",
        ),
        (
            "Paying by bank transfer instead of card",
            "Our finance department does not use cards.",
            "Yearly subscriptions can be paid by bank transfer; choose *Invoice* at checkout.",
            "Invoice option works for us.",
        ),
    ],
    "platform": [
        (
            "Two apps want the same port",
            "After installing a second web app the first one is not reachable any more.",
            "Give each web app its own host name; the reverse proxy then routes both on port 443.",
            "Separate host names fixed it.",
        ),
        (
            "Upgrading the platform with apps installed",
            "Do I need to uninstall apps before a platform upgrade?",
            "No. The upgrade checks every installed app first and warns when one is not yet compatible.",
            "",
        ),
        (
            "Single sign-on across apps",
            "Can users sign in once for all apps?",
            "Apps that support the platform's identity provider share one sign-in; the app page says whether an app supports it.",
            "",
        ),
        (
            "Where is the platform's audit log?",
            "We need to know who changed a firewall rule last Friday.",
            "The audit log under *System → Audit* lists every change with user, time and old and new value.",
            "",
        ),
        (
            "Running the gateway as a virtual machine",
            "Is running in a VM supported, and what resources does it need?",
            "Yes; start with 2 cores and 4 GB of RAM and add memory for mail filtering or monitoring apps.",
            "",
        ),
    ],
    "announcements": [
        (
            "Planned maintenance of the marketplace",
            "The marketplace will be read-only on Saturday from 06:00 to 08:00 UTC while we move it to new servers.",
            "Installed apps keep working during the window; only installing and updating apps is paused.",
            "",
        ),
        (
            "New professional support plan",
            "We added a plan with a one-hour response for critical incidents around the clock.",
            "Details are on the plan comparison page; existing subscriptions can switch at any time.",
            "",
        ),
    ],
}

AUTHORS = [
    "Marta Novak",
    "Jonas Berg",
    "Priya Raman",
    "Tomás Ortega",
    "Lena Hoffmann",
    "Olu Adebayo",
    "Hana Sato",
    "Pieter de Vries",
    "Chloé Martin",
    "Viktor Petrov",
    "Aisha Khan",
    "Samuel Osei",
    "Ingrid Larsen",
    "Mateo Rossi",
    "Yuki Tanaka",
    "Grace O'Neill",
    "Karel Dvořák",
    "Nadia Haddad",
]
HELPERS = ["Ruth (community)", "Daniel K.", "Operator support team", "Mei Lin", "Felix Brandt"]
