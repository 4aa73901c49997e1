<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru" sourcelanguage="en">
<context>
    <name>AcceptanceRateModel</name>
    <message>
        <location filename="../../operator_app/gui/handoffs/models.py" line="+100"/>
        <source>Lead generator</source>
        <translation>Лидогенератор</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Handed off</source>
        <translation>Передано</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Accepted</source>
        <translation>Принято</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Awaiting arbitration</source>
        <translation>Ждут арбитража</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Returns upheld</source>
        <translation>Возвратов подтверждено</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Returns overruled</source>
        <translation>Возвратов отклонено</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Acceptance rate</source>
        <translation>Доля принятых</translation>
    </message>
</context>
<context>
    <name>ArbitrationPage</name>
    <message>
        <location filename="../../operator_app/gui/handoffs/arbitration.py" line="+68"/>
        <location line="+61"/>
        <source>Arbitration of returned leads</source>
        <translation>Арбитраж возвращённых лидов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refresh</source>
        <translation>Обновить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Load everything again (F5)</source>
        <translation>Загрузить всё заново (F5)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Uphold the return…</source>
        <translation>Подтвердить возврат…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The seller was right: the lead is not counted as the lead generator&apos;s</source>
        <translation>Продавец прав: лид не засчитывается лидогенератору</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Overrule…</source>
        <translation>Отклонить возврат…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The return was wrong: the lead counts as the lead generator&apos;s</source>
        <translation>Возврат необоснован: лид засчитывается лидогенератору</translation>
    </message>
    <message>
        <location line="-40"/>
        <location line="+42"/>
        <source>Verdict overrides</source>
        <translation>Ручные изменения вердикта</translation>
    </message>
    <message>
        <location line="-39"/>
        <location line="+40"/>
        <source>Acceptance rate by lead generator</source>
        <translation>Доля принятых лидов по лидогенераторам</translation>
    </message>
    <message>
        <location line="+58"/>
        <source>— no returned leads are waiting</source>
        <translation>— возвращённых лидов, ожидающих решения, нет</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The arbitration list could not be loaded. {reason}</source>
        <translation>Не удалось загрузить список арбитража. {reason}</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Choose a returned lead to see the seller&apos;s reason and what was captured.</source>
        <translation>Выберите возвращённый лид, чтобы увидеть причину продавца и собранные данные.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Uphold the return</source>
        <translation>Подтвердить возврат</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The return of {client} stands: the lead is not counted as {generator}&apos;s. Write a comment for both of them.</source>
        <translation>Возврат лида {client} подтверждается: лид не засчитывается лидогенератору {generator}. Напишите комментарий для обоих.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Uphold</source>
        <translation>Подтвердить</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Overrule the return</source>
        <translation>Отклонить возврат</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The return of {client} was wrong: the lead counts as {generator}&apos;s. Write a comment for both of them.</source>
        <translation>Возврат лида {client} необоснован: лид засчитывается лидогенератору {generator}. Напишите комментарий для обоих.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Overrule</source>
        <translation>Отклонить</translation>
    </message>
</context>
<context>
    <name>BookingDialog</name>
    <message>
        <location filename="../../operator_app/gui/call/booking_dialog.py" line="+111"/>
        <source>This resource is not taking bookings now: choose another.</source>
        <translation>Этот ресурс сейчас не принимает записи: выберите другой.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The office does not work at that time: choose another slot.</source>
        <translation>В это время офис не работает: выберите другой слот.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>That time has already passed: choose a later slot.</source>
        <translation>Это время уже прошло: выберите слот позже.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>That time is outside the hours the client named.</source>
        <translation>Это время не входит в часы, которые назвал клиент.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The visit is no longer booked: it was cancelled, held or moved.</source>
        <translation>Визит больше не назначен: его отменили, перенесли или он уже состоялся.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The visit is already at that time.</source>
        <translation>Визит уже назначен на это время.</translation>
    </message>
    <message>
        <location filename="../../operator_app/gui/call/visit_labels.py" line="+15"/>
        <source>E-mail</source>
        <translation>Эл. почта</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Messenger</source>
        <translation>Мессенджер</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone call</source>
        <translation>Телефонный звонок</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Other (the operator sends it)</source>
        <translation>Другое (отправляет оператор)</translation>
    </message>
    <message>
        <location filename="../../operator_app/gui/call/booking_dialog.py" line="+142"/>
        <location line="+78"/>
        <source>Looking for free slots…</source>
        <translation>Поиск свободных слотов…</translation>
    </message>
    <message>
        <location line="-48"/>
        <location line="+207"/>
        <source>All offices</source>
        <translation>Все офисы</translation>
    </message>
    <message numerus="yes">
        <location line="-138"/>
        <source>%n free slot(s) inside the client&apos;s hours.</source>
        <translation>
            <numerusform>%n свободный слот в часы, удобные клиенту.</numerusform>
            <numerusform>%n свободных слота в часы, удобные клиенту.</numerusform>
            <numerusform>%n свободных слотов в часы, удобные клиенту.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No free slot inside the client&apos;s hours: widen them or ask another office.</source>
        <translation>В часы, удобные клиенту, свободных слотов нет: расширьте часы или попробуйте другой офис.</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Choose a slot first.</source>
        <translation>Сначала выберите слот.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Booking…</source>
        <translation>Записываем на визит…</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>This slot was just taken, and nothing else is free in the client&apos;s hours.</source>
        <translation>Этот слот только что заняли, а других свободных в часы, удобные клиенту, нет.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>This slot was just taken. The nearest free one is selected: {when}.</source>
        <translation>Этот слот только что заняли. Выбран ближайший свободный: {when}.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Move the visit</source>
        <translation>Перенос визита</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Book a visit</source>
        <translation>Запись на визит</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{title} — {client}</source>
        <translation>{title} — {client}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>When the client can come (their time)</source>
        <translation>Когда клиенту удобно прийти (по его времени)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Free slots</source>
        <translation>Свободные слоты</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Office / resource:</source>
        <translation>Офис / ресурс:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Confirmation</source>
        <translation>Подтверждение</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Read to the client: «We will send you a confirmation with the address right now. If the visit is a few days away, we will remind you the day before, and a few hours before it we will call you to confirm. Where and when is it convenient to reach you?»</source>
        <translation>Прочитайте клиенту: «Мы прямо сейчас пришлём вам подтверждение с адресом. Если до визита несколько дней, накануне мы напомним о нём, а за несколько часов до визита позвоним, чтобы его подтвердить. Куда и когда вам удобнее писать и звонить?»</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Confirm by:</source>
        <translation>Канал подтверждения:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Best time to reach them:</source>
        <translation>Когда удобно связаться:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>e.g. after 18:00, not at work</source>
        <translation>например, после 18:00, не на работе</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wants an earlier time if one frees up</source>
        <translation>Хочет прийти раньше, если освободится время</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Move (Enter)</source>
        <translation>Перенести (Enter)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Book (Enter)</source>
        <translation>Записать (Enter)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
</context>
<context>
    <name>CalendarCallPanel</name>
    <message>
        <location filename="../../operator_app/gui/call/calendar_call_panel.py" line="+39"/>
        <source>Confirmation call</source>
        <translation>Звонок-подтверждение</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reminder call the day before</source>
        <translation>Звонок-напоминание накануне</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Second confirmation call</source>
        <translation>Повторный звонок-подтверждение</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Feedback call: what went wrong?</source>
        <translation>Звонок после неявки: что помешало?</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>An earlier time is free</source>
        <translation>Освободилось более раннее время</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Time for the next visit</source>
        <translation>Пора на следующий визит</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>booked</source>
        <translation>назначен</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>confirmed</source>
        <translation>подтверждён</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>held</source>
        <translation>состоялся</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no-show</source>
        <translation>неявка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>rescheduled</source>
        <translation>перенесён</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cancelled</source>
        <translation>отменён</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>This call had already been recorded.</source>
        <translation>Этот звонок уже был сохранён.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The visit was moved to {when} (office time).</source>
        <translation>Визит перенесён на {when} (время офиса).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The task had already been closed; the call was recorded.</source>
        <translation>Задача уже была закрыта; звонок сохранён.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Done: the call was recorded.</source>
        <translation>Готово: звонок сохранён.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Confirmed: the client will come.</source>
        <translation>Подтверждено: клиент придёт.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancelled at the client&apos;s request; the seat is free.</source>
        <translation>Отменено по просьбе клиента; место освободилось.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The client wants another time.</source>
        <translation>Клиент хочет другое время.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not reached again, and no apology could be sent: the visit is kept — decide what to do with it.</source>
        <translation>Снова не дозвонились, а извинение отправить не удалось: визит сохранён — решите, что с ним делать.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Not reached again: the visit was cancelled with a polite apology to the client.</source>
        <translation>Снова не дозвонились: визит отменён, клиенту отправлено вежливое извинение.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Not reached: a message was queued and a second call is planned for {when}.</source>
        <translation>Не дозвонились: сообщение поставлено в очередь, повторный звонок запланирован на {when}.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Not reached: no message could be queued (no consent or address); a second call is planned for {when}.</source>
        <translation>Не дозвонились: сообщение поставить в очередь не удалось (нет согласия или адреса); повторный звонок запланирован на {when}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Not reached: a message was queued; no second call fits before the visit.</source>
        <translation>Не дозвонились: сообщение поставлено в очередь; повторный звонок до визита уже не успеть.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Not reached: the confirmation call still follows.</source>
        <translation>Не дозвонились: звонок-подтверждение ещё впереди.</translation>
    </message>
    <message>
        <location line="+126"/>
        <source>Write why the client cancels the visit.</source>
        <translation>Напишите, почему клиент отменяет визит.</translation>
    </message>
    <message>
        <location line="+16"/>
        <location line="+7"/>
        <source>{when} ({zone})</source>
        <translation>{when} ({zone})</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{place} — {resource}</source>
        <translation>{place} — {resource}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>not chosen</source>
        <translation>не выбран</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{status}; confirmations by {channel}</source>
        <translation>{status}; канал подтверждений: {channel}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{status} ({note})</source>
        <translation>{status} ({note})</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Move to {when} (Alt+2)</source>
        <translation>Перенести на {when} (Alt+2)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The visit</source>
        <translation>Визит</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Client&apos;s time:</source>
        <translation>Время клиента:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Office time:</source>
        <translation>Время офиса:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Where:</source>
        <translation>Где:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status:</source>
        <translation>Статус:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Note / reason:</source>
        <translation>Заметка / причина:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Confirmed (Alt+1)</source>
        <translation>Подтвердил (Alt+1)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not reached (Alt+2)</source>
        <translation>Не дозвонились (Alt+2)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wants another time… (Alt+3)</source>
        <translation>Хочет другое время… (Alt+3)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancels (Alt+4)</source>
        <translation>Отменяет (Alt+4)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Done (Alt+1)</source>
        <translation>Готово (Alt+1)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move to the freed time (Alt+2)</source>
        <translation>Перенести на освободившееся время (Alt+2)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Book a visit… (Ctrl+B)</source>
        <translation>Записать на визит… (Ctrl+B)</translation>
    </message>
</context>
<context>
    <name>CalendarPage</name>
    <message>
        <location filename="../../operator_app/gui/calendar/page.py" line="+245"/>
        <source>Visit calendar</source>
        <translation>Календарь визитов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Day</source>
        <translation>День</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>One day, a column per resource (D)</source>
        <translation>Один день, по столбцу на каждый ресурс (D)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Week</source>
        <translation>Неделя</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Seven days, a row per resource (W)</source>
        <translation>Семь дней, по строке на каждый ресурс (W)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Earlier (Page Up)</source>
        <translation>Раньше (Page Up)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Later (Page Down)</source>
        <translation>Позже (Page Down)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export .ics…</source>
        <translation>Экспорт в .ics…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save the visits of the days shown (every office) as an iCalendar file</source>
        <translation>Сохранить визиты за показанные дни (по всем офисам) в файл календаря (.ics)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Today</source>
        <translation>Сегодня</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Back to today (T)</source>
        <translation>Вернуться к сегодняшнему дню (T)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Booked visits starting within 24 hours that nobody has confirmed yet</source>
        <translation>Назначенные визиты, которые начнутся в ближайшие 24 часа и ещё никем не подтверждены</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Visits that have started but are not marked as arrived or no-show</source>
        <translation>Визиты, которые уже начались, но не отмечены ни приходом клиента, ни неявкой</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No offices with bookable resources yet. An administrator adds them.</source>
        <translation>Офисов с ресурсами для записи пока нет. Их добавляет администратор.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Unconfirmed: {count}</source>
        <translation>Не подтверждено: {count}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Late: {count}</source>
        <translation>Без отметки: {count}</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{first} – {last}</source>
        <translation>{first} – {last}</translation>
    </message>
    <message>
        <location line="+167"/>
        <source>The calendar could not be loaded. {reason}</source>
        <translation>Не удалось загрузить календарь. {reason}</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>All resources</source>
        <translation>Все ресурсы</translation>
    </message>
    <message numerus="yes">
        <location line="+42"/>
        <source>%n visit(s) saved to {path}.</source>
        <translation>
            <numerusform>В файл {path} сохранён %n визит.</numerusform>
            <numerusform>В файл {path} сохранено %n визита.</numerusform>
            <numerusform>В файл {path} сохранено %n визитов.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The visit was cancelled.</source>
        <translation>Визит отменён.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Marked: the client arrived.</source>
        <translation>Отмечено: клиент пришёл.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Marked as a no-show: a feedback call is planned.</source>
        <translation>Отмечена неявка: запланирован звонок, чтобы узнать, что помешало.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The visit&apos;s result was saved.</source>
        <translation>Результат визита сохранён.</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>Move the visit</source>
        <translation>Перенос визита</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Move the visit of {client} from {old} to {new}? The client will get a message.</source>
        <translation>Перенести визит клиента {client} с {old} на {new}? Клиенту придёт сообщение.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Move</source>
        <translation>Перенести</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keep</source>
        <translation>Не переносить</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>{date} {time} ({resource})</source>
        <translation>{date} {time} ({resource})</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>The visit of {client} was moved to {when}.</source>
        <translation>Визит клиента {client} перенесён на {when}.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>This slot was just taken.</source>
        <translation>Этот слот только что заняли.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{text} The nearest free one: {when}.</source>
        <translation>{text} Ближайший свободный: {when}.</translation>
    </message>
</context>
<context>
    <name>CalendarSetupModels</name>
    <message>
        <location filename="../../operator_app/gui/calendar_setup/models.py" line="+23"/>
        <source>Active</source>
        <translation>Активен</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Inactive</source>
        <translation>Неактивен</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Office</source>
        <translation>Офис</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Time zone</source>
        <translation>Часовой пояс</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Resources</source>
        <translation>Ресурсы</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+35"/>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <location line="-27"/>
        <source>Resource</source>
        <translation>Ресурс</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+45"/>
        <source>Kind</source>
        <translation>Тип</translation>
    </message>
    <message>
        <location line="-41"/>
        <source>Linked user</source>
        <translation>Связанный пользователь</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Seats</source>
        <translation>Мест</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Visit, min</source>
        <translation>Визит, мин</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Buffer, min</source>
        <translation>Перерыв, мин</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Date</source>
        <translation>Дата</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Hours</source>
        <translation>Часы</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Applies to</source>
        <translation>Относится к</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Note</source>
        <translation>Заметка</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Whole office</source>
        <translation>Весь офис</translation>
    </message>
</context>
<context>
    <name>CalendarSetupPage</name>
    <message>
        <location filename="../../operator_app/gui/calendar_setup/page.py" line="+185"/>
        <source>Offices and resources</source>
        <translation>Офисы и ресурсы</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Where visits happen and when: each office in its own time zone, the sellers, rooms, doctors and group presentations clients are booked with, their weekly hours, and the holidays and special days.</source>
        <translation>Где и когда проходят визиты: офисы (у каждого свой часовой пояс), продавцы, кабинеты, врачи и групповые презентации, на которые записывают клиентов, их часы работы по дням недели, а также праздники и особые дни.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Add office…</source>
        <translation>Добавить офис…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add an office (Ctrl+N)</source>
        <translation>Добавить офис (Ctrl+N)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Edit office…</source>
        <translation>Изменить офис…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add resource…</source>
        <translation>Добавить ресурс…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add a resource (Ctrl+Shift+N)</source>
        <translation>Добавить ресурс (Ctrl+Shift+N)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Edit resource…</source>
        <translation>Изменить ресурс…</translation>
    </message>
    <message>
        <location line="-95"/>
        <location line="+96"/>
        <source>Offices</source>
        <translation>Офисы</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Resources of {office}</source>
        <translation>Ресурсы: {office}</translation>
    </message>
    <message>
        <location line="-93"/>
        <location line="+95"/>
        <source>Resources</source>
        <translation>Ресурсы</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Weekly hours of {resource}</source>
        <translation>Часы работы: {resource}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Weekly hours (choose a resource)</source>
        <translation>Часы работы (выберите ресурс)</translation>
    </message>
    <message>
        <location line="-84"/>
        <location line="+86"/>
        <source>Holidays, days off and special working days</source>
        <translation>Праздники, выходные и особые рабочие дни</translation>
    </message>
    <message>
        <location line="+134"/>
        <source>Unsaved weekly hours</source>
        <translation>Несохранённые часы работы</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The weekly hours of “{resource}” have unsaved changes. Save them?</source>
        <translation>Часы работы «{resource}» изменены и не сохранены. Сохранить изменения?</translation>
    </message>
    <message>
        <location line="+168"/>
        <source>{count} booked time slots ahead took the new number of seats.</source>
        <translation>Новое число мест применено к будущим слотам с записями: {count}.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>“{name}” is saved and takes no new bookings; its {count} visits ahead stay booked.</source>
        <translation>Сохранено: «{name}». Новые записи не принимаются; назначенные будущие визиты ({count}) остаются в силе.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>“{name}” is saved.</source>
        <translation>Сохранено: «{name}».</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The weekly hours of “{name}” are saved.</source>
        <translation>Часы работы сохранены: «{name}».</translation>
    </message>
</context>
<context>
    <name>CalendarSetupTexts</name>
    <message>
        <location filename="../../operator_app/gui/calendar_setup/texts.py" line="+33"/>
        <source>Seller</source>
        <translation>Продавец</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Room</source>
        <translation>Кабинет</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Doctor</source>
        <translation>Врач</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Group presentation</source>
        <translation>Групповая презентация</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Holiday</source>
        <translation>Праздник</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Day off</source>
        <translation>Выходной</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Special working day</source>
        <translation>Особый рабочий день</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Monday</source>
        <translation>Понедельник</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tuesday</source>
        <translation>Вторник</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wednesday</source>
        <translation>Среда</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Thursday</source>
        <translation>Четверг</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Friday</source>
        <translation>Пятница</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Saturday</source>
        <translation>Суббота</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sunday</source>
        <translation>Воскресенье</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Type the hours like 09:00–13:00, 14:00–18:00 (leave empty for a day off).</source>
        <translation>Введите часы в виде 09:00–13:00, 14:00–18:00 (для выходного оставьте поле пустым).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{day}: {interval} must end after it starts.</source>
        <translation>{day}: интервал {interval} должен заканчиваться позже, чем начинается.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{day}: {interval} overlaps another interval of the day.</source>
        <translation>{day}: интервал {interval} пересекается с другим интервалом этого дня.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The visit at {when} already has {booked} seats taken: the capacity cannot be lower than {booked}. Move or cancel visits first.</source>
        <translation>На визит {when} уже занято мест: {booked}, поэтому мест не может быть меньше {booked}. Сначала перенесите или отмените визиты.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Seats</source>
        <translation>Число мест</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The visit length</source>
        <translation>Длительность визита</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The buffer</source>
        <translation>Перерыв между визитами</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{what} must be from {low} to {high}.</source>
        <translation>{what}: значение должно быть от {low} до {high}.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Enter a name.</source>
        <translation>Введите название.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The name is too long.</source>
        <translation>Слишком длинное название.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This name is already used: choose another one.</source>
        <translation>Это название уже занято: выберите другое.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The address is too long.</source>
        <translation>Слишком длинный адрес.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A phone holds digits, spaces, +, - and brackets only.</source>
        <translation>Телефон может содержать только цифры, пробелы, +, - и скобки.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The phone is too long.</source>
        <translation>Слишком длинный номер телефона.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose a time zone from the list, e.g. Europe/Moscow.</source>
        <translation>Выберите часовой пояс из списка, например Europe/Moscow.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Only a user with the seller role can be linked.</source>
        <translation>Связать можно только пользователя с ролью продавца.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This user no longer exists: choose another one.</source>
        <translation>Этого пользователя больше нет: выберите другого.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A special working day needs its hours, e.g. 10:00–14:00.</source>
        <translation>Для особого рабочего дня укажите часы работы, например 10:00–14:00.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The working hours must end after they start.</source>
        <translation>Часы работы должны заканчиваться позже, чем начинаются.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>These hours overlap hours already set for that day.</source>
        <translation>Эти часы пересекаются с часами, уже заданными на этот день.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>That day already has a holiday, day off or special hours: remove them first.</source>
        <translation>На этот день уже задан праздник, выходной или особые часы работы: сначала удалите их.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The note is too long.</source>
        <translation>Слишком длинная заметка.</translation>
    </message>
</context>
<context>
    <name>CalendarTexts</name>
    <message>
        <location filename="../../operator_app/gui/calendar/texts.py" line="+39"/>
        <source>Booked</source>
        <translation>Назначен</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Confirmed</source>
        <translation>Подтверждён</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Arrived</source>
        <translation>Состоялся</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No-show</source>
        <translation>Неявка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rescheduled</source>
        <translation>Перенесён</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancelled</source>
        <translation>Отменён</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>not chosen</source>
        <translation>не выбран</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>e-mail</source>
        <translation>эл. почта</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>messenger</source>
        <translation>мессенджер</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>phone call</source>
        <translation>телефонный звонок</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>manual</source>
        <translation>вручную</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>no phone</source>
        <translation>нет телефона</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{start}–{end}, {date}</source>
        <translation>{start}–{end}, {date}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Status: {status}</source>
        <translation>Статус: {status}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Confirmation: {channel}</source>
        <translation>Подтверждение: {channel}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Campaign: {name}</source>
        <translation>Кампания: {name}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Late: not marked as arrived or no-show</source>
        <translation>Без отметки: визит начался, но не отмечены ни приход, ни неявка</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not confirmed yet, starts within 24 hours</source>
        <translation>Ещё не подтверждён, начнётся в ближайшие 24 часа</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>This resource is not taking bookings.</source>
        <translation>Этот ресурс не принимает записи.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>There is no slot at that time: the resource does not work then.</source>
        <translation>На это время слота нет: ресурс в это время не работает.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A visit cannot be moved to the past.</source>
        <translation>Визит нельзя перенести в прошлое.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>That time is outside the hours the client said suit them.</source>
        <translation>Это время не входит в часы, которые клиент назвал удобными.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The visit is no longer booked or confirmed: it cannot be moved.</source>
        <translation>Визит уже не назначен и не подтверждён: перенести его нельзя.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The visit is already at that time.</source>
        <translation>Визит уже назначен на это время.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Too early: the visit starts at {time}.</source>
        <translation>Слишком рано: визит начинается в {time}.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The visit is already {status}: this cannot be done now.</source>
        <translation>У визита уже статус «{status}»: сейчас это сделать нельзя.</translation>
    </message>
</context>
<context>
    <name>CallCardView</name>
    <message>
        <location filename="../../operator_app/gui/call/card_view.py" line="+88"/>
        <source>(no name)</source>
        <translation>(без имени)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{company}, INN {inn}</source>
        <translation>{company}, ИНН {inn}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{list} — hypothesis: {hypothesis}</source>
        <translation>{list} — гипотеза: {hypothesis}</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Call</source>
        <translation>Позвонить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dial with the softphone ({number})</source>
        <translation>Набрать через софтфон ({number})</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Copy</source>
        <translation>Копировать</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copy the number</source>
        <translation>Скопировать номер</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>No phone numbers</source>
        <translation>Нет телефонов</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>mobile</source>
        <translation>мобильный</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>landline</source>
        <translation>городской</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>other</source>
        <translation>другой</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> (guessed)</source>
        <translation> (предположительно)</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>client {client} ({zone}{guessed}) · you {mine}</source>
        <translation>у клиента {client} ({zone}{guessed}) · у вас {mine}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>, guessed</source>
        <translation>, предположительно</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No earlier calls</source>
        <translation>Раньше не звонили</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Earlier answers</source>
        <translation>Прошлые ответы</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Company:</source>
        <translation>Компания:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Local time:</source>
        <translation>Местное время:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Campaign:</source>
        <translation>Кампания:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>List:</source>
        <translation>База:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phones</source>
        <translation>Телефоны</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Earlier attempts</source>
        <translation>Прошлые звонки</translation>
    </message>
</context>
<context>
    <name>CallDetails</name>
    <message>
        <location filename="../../operator_app/gui/call/call_details.py" line="+108"/>
        <source>Loading the verification form…</source>
        <translation>Загрузка формы верификации…</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>No connection to the database: the form is not loaded.</source>
        <translation>Нет связи с базой данных: форма не загружена.</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>Client (Ctrl+1)</source>
        <translation>Клиент (Ctrl+1)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Verification</source>
        <translation>Верификация</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Verification (Ctrl+2)</source>
        <translation>Верификация (Ctrl+2)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Who is on the line</source>
        <translation>Кто на линии</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Who is on the line (Ctrl+3)</source>
        <translation>Кто на линии (Ctrl+3)</translation>
    </message>
</context>
<context>
    <name>CallReviewPage</name>
    <message>
        <location filename="../../operator_app/gui/review/call_review_page.py" line="+101"/>
        <source>&amp;From</source>
        <translation>&amp;С</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;To</source>
        <translation>&amp;по</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>C&amp;ampaign</source>
        <translation>&amp;Кампания</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Operator</source>
        <translation>&amp;Оператор</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>O&amp;utcome</source>
        <translation>Ре&amp;зультат</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Reviewed</source>
        <translation>О&amp;ценка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Min. talk</source>
        <translation>&amp;Мин. разговор</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Calls</source>
        <translation>Звонки</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Call review</source>
        <translation>Оценка звонков</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>All campaigns</source>
        <translation>Все кампании</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Everyone</source>
        <translation>Все операторы</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All outcomes</source>
        <translation>Все результаты</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>All calls</source>
        <translation>Все звонки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not reviewed</source>
        <translation>Без оценки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reviewed</source>
        <translation>С оценкой</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> s</source>
        <translation> с</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>any</source>
        <translation>любой</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refresh</source>
        <translation>Обновить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Load the calls again (F5)</source>
        <translation>Загрузить звонки заново (F5)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Load more</source>
        <translation>Загрузить ещё</translation>
    </message>
    <message>
        <location line="+129"/>
        <source>{count} calls shown</source>
        <translation>Показано звонков: {count}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{count} calls shown, more match</source>
        <translation>Показано звонков: {count}, есть ещё</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Loading the call…</source>
        <translation>Загрузка звонка…</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Choose a call to see what was said and score it.</source>
        <translation>Выберите звонок, чтобы посмотреть, что было сказано, и оценить его.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Reviewed by {name}</source>
        <translation>Проверяющий: {name}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Saving…</source>
        <translation>Сохранение…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Review saved.</source>
        <translation>Оценка сохранена.</translation>
    </message>
</context>
<context>
    <name>CallTableModel</name>
    <message>
        <location filename="../../operator_app/gui/review/models.py" line="+25"/>
        <source>Started</source>
        <translation>Начало</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Operator</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Client</source>
        <translation>Клиент</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Campaign</source>
        <translation>Кампания</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Outcome</source>
        <translation>Результат</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Talk</source>
        <translation>Разговор</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Score</source>
        <translation>Оценка</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>not reviewed</source>
        <translation>не оценён</translation>
    </message>
</context>
<context>
    <name>CallTimer</name>
    <message>
        <location filename="../../operator_app/gui/call/call_timer.py" line="+74"/>
        <source>Stop timer</source>
        <translation>Остановить таймер</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Start timer</source>
        <translation>Запустить таймер</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Talk time is recorded with the call</source>
        <translation>Время разговора сохраняется вместе со звонком</translation>
    </message>
</context>
<context>
    <name>CampaignTableModel</name>
    <message>
        <location filename="../../operator_app/gui/models/campaigns.py" line="+17"/>
        <source>Name</source>
        <translation>Название</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Model</source>
        <translation>Модель</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Time zone</source>
        <translation>Часовой пояс</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Script</source>
        <translation>Скрипт</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>Active</source>
        <translation>Активна</translation>
    </message>
</context>
<context>
    <name>CampaignsPanel</name>
    <message>
        <location filename="../../operator_app/gui/panels/campaigns.py" line="+44"/>
        <location line="+26"/>
        <source>Campaigns</source>
        <translation>Кампании</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reminder plan…</source>
        <translation>План напоминаний…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>When visits of the selected campaign are confirmed and reminded</source>
        <translation>Когда подтверждать визиты выбранной кампании и напоминать о них</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>A campaign is what is being sold and how: one-step (the same person finds and sells) or two-step (a lead generator books the visit, a seller takes it from there). Campaign files (operator-app campaigns import) set everything else; the reminder plan of visits is edited here.</source>
        <translation>Кампания — это что продаём и как: однотактная модель (один и тот же человек находит клиента и продаёт) или двухтактная (лидогенератор записывает клиента на визит, дальше работает продавец). Всё остальное задают файлы кампаний (operator-app campaigns import), а план напоминаний о визитах настраивается здесь.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No campaigns yet</source>
        <translation>Кампаний пока нет</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Campaigns will be created and edited here in a later release. The demo workspace (operator-app demo) creates one to look at.</source>
        <translation>Создавать и редактировать кампании можно будет здесь в одном из следующих выпусков. Демо-пространство (operator-app demo) создаёт одну кампанию для знакомства.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>The campaigns could not be loaded from the database.</source>
        <translation>Не удалось загрузить кампании из базы данных.</translation>
    </message>
</context>
<context>
    <name>ChannelForm</name>
    <message>
        <location filename="../../operator_app/gui/messaging/channel_form.py" line="+172"/>
        <source>Send messages through this channel</source>
        <translation>Отправлять сообщения через этот канал</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>SMTP server:</source>
        <translation>SMTP-сервер:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Port:</source>
        <translation>Порт:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Security:</source>
        <translation>Шифрование:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>User name:</source>
        <translation>Имя пользователя:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Password:</source>
        <translation>Пароль:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>From address:</source>
        <translation>Адрес отправителя:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>From name:</source>
        <translation>Имя отправителя:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gateway address (URL):</source>
        <translation>Адрес шлюза (URL):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Access token:</source>
        <translation>Токен доступа:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Token header:</source>
        <translation>Заголовок для токена:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Token prefix:</source>
        <translation>Префикс токена:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Field for the recipient:</source>
        <translation>Поле для получателя:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Field for the text:</source>
        <translation>Поле для текста:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Field for the message number:</source>
        <translation>Поле для номера сообщения:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Field for the sender name:</source>
        <translation>Поле для имени отправителя:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sender name:</source>
        <translation>Имя отправителя:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Timeout, seconds:</source>
        <translation>Тайм-аут, секунд:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quiet hours from:</source>
        <translation>Тихие часы с:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quiet hours until:</source>
        <translation>Тихие часы до:</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>STARTTLS (usually port 587)</source>
        <translation>STARTTLS (обычно порт 587)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SSL/TLS (usually port 465)</source>
        <translation>SSL/TLS (обычно порт 465)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>None (port 25, local servers only)</source>
        <translation>Нет (порт 25, только для локальных серверов)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No message reaches a client during these hours of the client&apos;s own time</source>
        <translation>В эти часы по местному времени клиента сообщения ему не отправляются</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save</source>
        <translation>Сохранить</translation>
    </message>
</context>
<context>
    <name>ChannelSettingsPage</name>
    <message>
        <location filename="../../operator_app/gui/messaging/channel_settings_page.py" line="+59"/>
        <source>Message channels</source>
        <translation>Каналы сообщений</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>How messages reach clients. E-mail goes through your SMTP server; SMS and messenger messages through an HTTP gateway that takes one JSON request per message. A channel that is off keeps its messages queued; they can still be sent by hand from the outbox.</source>
        <translation>Как сообщения доходят до клиентов. Письма уходят через ваш SMTP-сервер, SMS и сообщения в мессенджеры — через HTTP-шлюз, который принимает по одному JSON-запросу на сообщение. У выключенного канала сообщения остаются в очереди; их по-прежнему можно отправить вручную из исходящих сообщений.</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>The channel settings could not be loaded. {reason}</source>
        <translation>Не удалось загрузить настройки каналов. {reason}</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Saved.</source>
        <translation>Сохранено.</translation>
    </message>
</context>
<context>
    <name>ChartWidget</name>
    <message>
        <location filename="../../operator_app/gui/charts/base.py" line="+52"/>
        <source>No data for this period</source>
        <translation>Нет данных за этот период</translation>
    </message>
</context>
<context>
    <name>Charts</name>
    <message>
        <location filename="../../operator_app/gui/charts/numbers.py" line="+27"/>
        <source>{value} %</source>
        <translation>{value} %</translation>
    </message>
</context>
<context>
    <name>ChecklistPanel</name>
    <message>
        <location filename="../../operator_app/gui/review/checklist_panel.py" line="+83"/>
        <source>Score the call</source>
        <translation>Оценка звонка</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Comment for the operator</source>
        <translation>Комм&amp;ентарий для оператора</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save review</source>
        <translation>Сохранить оценку</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the checklist and comment (Ctrl+S)</source>
        <translation>Сохранить чек-лист и комментарий (Ctrl+S)</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>Score: {score}</source>
        <translation>Оценка: {score}</translation>
    </message>
</context>
<context>
    <name>CompanyPanel</name>
    <message>
        <location filename="../../operator_app/gui/call/company_panel.py" line="+44"/>
        <source>Enter the company&apos;s INN.</source>
        <translation>Введите ИНН компании.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>An INN has 10 digits (company) or 12 digits (individual).</source>
        <translation>В ИНН 10 цифр (организация) или 12 цифр (физлицо или ИП).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The check digits do not match: probably a typo.</source>
        <translation>Не сходится контрольная сумма: вероятно, опечатка.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A B2B campaign needs the company&apos;s INN to save the card.</source>
        <translation>В B2B-кампании карточку нельзя сохранить без ИНН компании.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This INN already belongs to another company.</source>
        <translation>Этот ИНН уже принадлежит другой компании.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This INN is not valid.</source>
        <translation>Неверный ИНН.</translation>
    </message>
    <message>
        <location line="+149"/>
        <source>This INN belongs to {name} (INN {inn}).</source>
        <translation>Этот ИНН принадлежит компании {name} (ИНН {inn}).</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Contacts: {people}</source>
        <translation>Контакты: {people}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{operator} is working it now ({campaign}).</source>
        <translation>Сейчас с компанией работает {operator} ({campaign}).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Lead owners: {names}</source>
        <translation>Владельцы лидов: {names}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nobody is calling this company right now.</source>
        <translation>Сейчас этой компании никто не звонит.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The client&apos;s company is now {name}.</source>
        <translation>Компания клиента теперь — {name}.</translation>
    </message>
    <message>
        <location line="+11"/>
        <location line="+44"/>
        <source>Enter the company&apos;s name.</source>
        <translation>Введите название компании.</translation>
    </message>
    <message>
        <location line="-38"/>
        <location line="+39"/>
        <source>Correct the fields marked in red first.</source>
        <translation>Сначала исправьте поля, выделенные красным.</translation>
    </message>
    <message>
        <location line="-24"/>
        <source>Saving the company…</source>
        <translation>Сохранение компании…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The company was saved.</source>
        <translation>Компания сохранена.</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>No connection to the database. Try again.</source>
        <translation>Нет связи с базой данных. Попробуйте ещё раз.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Company</source>
        <translation>Компания</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name:</source>
        <translation>Название:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>INN *:</source>
        <translation>ИНН *:</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>INN:</source>
        <translation>ИНН:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>10 or 12 digits</source>
        <translation>10 или 12 цифр</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Use this company</source>
        <translation>Выбрать эту компанию</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save company</source>
        <translation>Сохранить компанию</translation>
    </message>
</context>
<context>
    <name>ComparisonModel</name>
    <message>
        <location filename="../../operator_app/gui/script_versions/models.py" line="+173"/>
        <source>{change} pp</source>
        <translation>{change} п. п.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Figure</source>
        <translation>Показатель</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>B − A</source>
        <translation>B − A</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Version A</source>
        <translation>Версия A</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Version B</source>
        <translation>Версия B</translation>
    </message>
</context>
<context>
    <name>ContactLabels</name>
    <message>
        <location filename="../../operator_app/gui/call/contact_labels.py" line="+16"/>
        <source>Decision maker</source>
        <translation>ЛПР</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Influencer</source>
        <translation>Влияет на решение</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Secretary</source>
        <translation>Секретарь</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Other</source>
        <translation>Другая роль</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Phone call</source>
        <translation>Телефонный звонок</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E-mail</source>
        <translation>Эл. почта</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Messenger</source>
        <translation>Мессенджер</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Written</source>
        <translation>Письменно</translation>
    </message>
</context>
<context>
    <name>ContactPanel</name>
    <message>
        <location filename="../../operator_app/gui/call/contact_panel.py" line="+58"/>
        <source>An e-mail address has no spaces.</source>
        <translation>В адресе эл. почты не бывает пробелов.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>An e-mail address needs an @, like name@example.ru.</source>
        <translation>В адресе эл. почты нужен знак @, например name@example.ru.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>An e-mail address has only one @.</source>
        <translation>В адресе эл. почты может быть только один знак @.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Something is wrong before the @.</source>
        <translation>Ошибка в части адреса до знака @.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>After the @ there must be a domain like example.ru.</source>
        <translation>После знака @ должен быть домен, например example.ru.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This is too long for an e-mail address.</source>
        <translation>Слишком длинный адрес эл. почты.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This is not an e-mail address.</source>
        <translation>Это не адрес эл. почты.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Enter one phone number, like +7 912 345-67-89.</source>
        <translation>Введите один номер телефона, например +7 912 345-67-89.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Digits are missing: the number looks cut off.</source>
        <translation>Не хватает цифр: номер похож на обрезанный.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Too many digits for one phone number.</source>
        <translation>Слишком много цифр для одного номера телефона.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No such phone number exists.</source>
        <translation>Такого номера телефона не существует.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This number is already in the list.</source>
        <translation>Этот номер уже есть в списке.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This is not a phone number.</source>
        <translation>Это не номер телефона.</translation>
    </message>
    <message>
        <location line="+140"/>
        <location line="+189"/>
        <source>Verified</source>
        <translation>Проверен</translation>
    </message>
    <message>
        <location line="-171"/>
        <source>Personal data</source>
        <translation>Персональные данные</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reminders</source>
        <translation>Напоминания</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{kind}: never asked</source>
        <translation>{kind}: согласие не запрашивали</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>given</source>
        <translation>согласие дано</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>withdrawn</source>
        <translation>согласие отозвано</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{kind}: {how} {when}, {who}, {channel}</source>
        <translation>{kind}: {how} {when}, {who}, {channel}</translation>
    </message>
    <message>
        <location line="+94"/>
        <source>Saving the contact…</source>
        <translation>Сохранение контакта…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The contact was saved.</source>
        <translation>Контакт сохранён.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Enter the contact&apos;s name.</source>
        <translation>Введите имя контакта.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Correct the fields marked in red; nothing was saved.</source>
        <translation>Исправьте поля, выделенные красным; ничего не сохранено.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No connection to the database. Try again.</source>
        <translation>Нет связи с базой данных. Попробуйте ещё раз.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Contact</source>
        <translation>Контакт</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Name:</source>
        <translation>Имя:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Role:</source>
        <translation>Роль:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Position:</source>
        <translation>Должность:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phones:</source>
        <translation>Телефоны:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E-mail:</source>
        <translation>Эл. почта:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Consent:</source>
        <translation>Согласие:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Consent channel:</source>
        <translation>Канал согласия:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Add phone</source>
        <translation>Добавить телефон</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Consents to personal data processing</source>
        <translation>Согласен на обработку персональных данных</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Consents to reminder messages</source>
        <translation>Согласен получать напоминания</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save contact</source>
        <translation>Сохранить контакт</translation>
    </message>
</context>
<context>
    <name>CriteriaEditorPage</name>
    <message>
        <location filename="../../operator_app/gui/criteria/editor.py" line="+194"/>
        <source>Yes / no</source>
        <translation>Да / нет</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choice</source>
        <translation>Выбор из списка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Number</source>
        <translation>Число</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Date</source>
        <translation>Дата</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Text</source>
        <translation>Текст</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Never disqualifies</source>
        <translation>Не делает лид нецелевым</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Disqualifies when the answer is</source>
        <translation>Нецелевой, если ответ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Disqualifies when the answer is one of</source>
        <translation>Нецелевой, если ответ — один из</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Disqualifies when less than</source>
        <translation>Нецелевой, если меньше</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Disqualifies when greater than</source>
        <translation>Нецелевой, если больше</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Disqualifies when before</source>
        <translation>Нецелевой, если раньше</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Disqualifies when after</source>
        <translation>Нецелевой, если позже</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+22"/>
        <location line="+20"/>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <location line="-41"/>
        <location line="+22"/>
        <location line="+20"/>
        <source>Question</source>
        <translation>Вопрос</translation>
    </message>
    <message>
        <location line="-41"/>
        <location line="+42"/>
        <source>Answer type</source>
        <translation>Тип ответа</translation>
    </message>
    <message>
        <location line="-41"/>
        <location line="+22"/>
        <location line="+20"/>
        <source>Required</source>
        <translation>Обязательный</translation>
    </message>
    <message>
        <location line="-41"/>
        <location line="+22"/>
        <location line="+20"/>
        <source>Choices</source>
        <translation>Варианты</translation>
    </message>
    <message>
        <location line="-41"/>
        <source>Disqualifying rule</source>
        <translation>Правило нецелевого лида</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+22"/>
        <location line="+21"/>
        <source>Script step</source>
        <translation>Шаг скрипта</translation>
    </message>
    <message>
        <location line="-42"/>
        <location line="+46"/>
        <source>Code</source>
        <translation>Код</translation>
    </message>
    <message>
        <location line="-45"/>
        <location line="+45"/>
        <source>Label</source>
        <translation>Название</translation>
    </message>
    <message>
        <location line="-41"/>
        <source>Verification criteria</source>
        <translation>Критерии верификации</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save</source>
        <translation>Сохранить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Discard changes</source>
        <translation>Отменить изменения</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Load the saved version again</source>
        <translation>Загрузить сохранённую версию заново</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add criterion</source>
        <translation>Добавить критерий</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move up</source>
        <translation>Вверх</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move down</source>
        <translation>Вниз</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Type</source>
        <translation>Тип</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Disqualifies when</source>
        <translation>Нецелевой, если</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Criterion</source>
        <translation>Критерий</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>An answer is required for a verdict</source>
        <translation>Без ответа вердикт не выносится</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>One choice per line</source>
        <translation>По одному варианту в строке</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The id of the script step asking this</source>
        <translation>ID шага скрипта, на котором задаётся этот вопрос</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Rule</source>
        <translation>Правило</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Value</source>
        <translation>Значение</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Non-target reasons</source>
        <translation>Причины нецелевого лида</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add reason</source>
        <translation>Добавить причину</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove reason</source>
        <translation>Удалить причину</translation>
    </message>
    <message>
        <location line="+88"/>
        <source>no criteria saved yet</source>
        <translation>критерии ещё не сохранены</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>version {number}</source>
        <translation>версия {number}</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>yes</source>
        <translation>да</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no</source>
        <translation>нет</translation>
    </message>
    <message>
        <location line="+86"/>
        <source>yes or no</source>
        <translation>да или нет</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a choice; for “one of”, choices separated by ;</source>
        <translation>вариант из списка; для «один из» — варианты через ;</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a number</source>
        <translation>число</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a date like 2027-01-31</source>
        <translation>дата вида 2027-01-31</translation>
    </message>
    <message>
        <location line="+78"/>
        <location line="+1"/>
        <source>Unsaved changes</source>
        <translation>Несохранённые изменения</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Save or discard the changes before choosing another campaign</source>
        <translation>Сохраните или отмените изменения, прежде чем выбрать другую кампанию</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Nothing changed: still version {number}.</source>
        <translation>Изменений нет: по-прежнему версия {number}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Saved as version {number}.</source>
        <translation>Сохранено как версия {number}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The criteria cannot be saved: {reason}</source>
        <translation>Не удалось сохранить критерии: {reason}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Criterion {number} ({id}), {field}: {reason}</source>
        <translation>Критерий {number} ({id}), {field}: {reason}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the whole criterion</source>
        <translation>критерий целиком</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Non-target reason {number}, {field}: {reason}</source>
        <translation>Причина нецелевого лида {number}, {field}: {reason}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the whole reason</source>
        <translation>причина целиком</translation>
    </message>
</context>
<context>
    <name>Dashboard</name>
    <message>
        <location filename="../../operator_app/gui/dashboard/presets.py" line="+33"/>
        <source>Today</source>
        <translation>Сегодня</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This week</source>
        <translation>Эта неделя</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This month</source>
        <translation>Этот месяц</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 30 days</source>
        <translation>Последние 30 дней</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chosen days</source>
        <translation>Произвольный период</translation>
    </message>
    <message>
        <location filename="../../operator_app/gui/dashboard/texts.py" line="+18"/>
        <source>Taken into work</source>
        <translation>Взято в работу</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Leads</source>
        <translation>Лиды</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Visits booked</source>
        <translation>Назначено визитов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Visits held</source>
        <translation>Состоялось визитов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sales</source>
        <translation>Продажи</translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <location filename="../../operator_app/gui/dashboard/page.py" line="+134"/>
        <source>Non-target reason</source>
        <translation>Причина нецелевого</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No-show reason</source>
        <translation>Причина неявки</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Objection</source>
        <translation>Возражение</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Step</source>
        <translation>Шаг</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>{table} {first} – {last}</source>
        <translation>{table} {first} – {last}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Dashboard</source>
        <translation>Дашборд</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Back to everyone</source>
        <translation>Назад ко всем</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show every operator&apos;s figures again (Alt+Left)</source>
        <translation>Снова показать показатели всех операторов (Alt+Left)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refresh</source>
        <translation>Обновить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Read the figures again (F5)</source>
        <translation>Загрузить показатели заново (F5)</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+2"/>
        <source>Funnel</source>
        <translation>Воронка</translation>
    </message>
    <message>
        <location line="-1"/>
        <location line="+2"/>
        <source>Day by day</source>
        <translation>По дням</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Operators</source>
        <translation>Операторы</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lists and hypotheses</source>
        <translation>Базы и гипотезы</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Script versions</source>
        <translation>Версии скриптов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Campaigns</source>
        <translation>Кампании</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Non-target reasons</source>
        <translation>Причины нецелевых лидов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No-show reasons</source>
        <translation>Причины неявок</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Where calls end</source>
        <translation>Где заканчиваются звонки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Objections</source>
        <translation>Возражения</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Double-click or press Enter on an operator to see only their figures</source>
        <translation>Дважды щёлкните оператора или нажмите Enter, чтобы увидеть только его показатели</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Everyone</source>
        <translation>Все</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Everyone › {operator}</source>
        <translation>Все › {operator}</translation>
    </message>
    <message>
        <location line="+110"/>
        <source>The figures could not be loaded. {reason}</source>
        <translation>Не удалось загрузить показатели. {reason}</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Calls</source>
        <translation>Звонки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reached</source>
        <translation>Дозвон</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Leads</source>
        <translation>Лиды</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Visits held</source>
        <translation>Состоялось визитов</translation>
    </message>
</context>
<context>
    <name>DashboardTables</name>
    <message>
        <location filename="../../operator_app/gui/dashboard/tables.py" line="+68"/>
        <source>Operator</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>List</source>
        <translation>База</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+160"/>
        <source>Script version</source>
        <translation>Версия скрипта</translation>
    </message>
    <message>
        <location line="-159"/>
        <source>Campaign</source>
        <translation>Кампания</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>(no operator)</source>
        <translation>(без оператора)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>(no list)</source>
        <translation>(без базы)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>(no script)</source>
        <translation>(без скрипта)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>(no campaign)</source>
        <translation>(без кампании)</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Hypothesis</source>
        <translation>Гипотеза</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Calls</source>
        <translation>Звонки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reach rate</source>
        <translation>Дозвон</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Talk min a day</source>
        <translation>Мин разговора в день</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Taken into work</source>
        <translation>Взято в работу</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Leads</source>
        <translation>Лиды</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>→ lead</source>
        <translation>→ лид</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Hand-offs accepted</source>
        <translation>Принято продавцами</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Visits booked</source>
        <translation>Назначено визитов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Visits held</source>
        <translation>Состоялось визитов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Attendance</source>
        <translation>Доходимость</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>→ held</source>
        <translation>→ визит состоялся</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sales</source>
        <translation>Продажи</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>→ sale</source>
        <translation>→ продажа</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Revenue</source>
        <translation>Выручка</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>Count</source>
        <translation>Количество</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+24"/>
        <source>Share</source>
        <translation>Доля</translation>
    </message>
    <message>
        <location line="-11"/>
        <source>Stage</source>
        <translation>Этап</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Step</source>
        <translation>Шаг</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Calls ended here</source>
        <translation>Звонков завершилось здесь</translation>
    </message>
</context>
<context>
    <name>DatabaseLine</name>
    <message>
        <location filename="../../operator_app/gui/widgets/database_line.py" line="+30"/>
        <source>Database: {kind} — {where}</source>
        <translation>База данных: {kind} — {where}</translation>
    </message>
</context>
<context>
    <name>DatabasePanel</name>
    <message>
        <location filename="../../operator_app/gui/panels/database.py" line="+76"/>
        <source>Database</source>
        <translation>База данных</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Connection and schema</source>
        <translation>Подключение и схема</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Database:</source>
        <translation>База данных:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kind:</source>
        <translation>Тип:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Schema revision:</source>
        <translation>Версия схемы:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This app&apos;s revision:</source>
        <translation>Версия схемы приложения:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State:</source>
        <translation>Состояние:</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+45"/>
        <source>Upgrade schema</source>
        <translation>Обновить схему</translation>
    </message>
    <message>
        <location line="-42"/>
        <source>The app upgrades the schema itself when it starts. To use another database (for example a shared PostgreSQL server), change it in File → Settings; the change takes effect after a restart.</source>
        <translation>Приложение само обновляет схему при запуске. Чтобы работать с другой базой данных (например, с общим сервером PostgreSQL), укажите её в меню Файл → Настройки; изменение вступит в силу после перезапуска.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>The database did not answer.</source>
        <translation>База данных не отвечает.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>empty: the schema will be created</source>
        <translation>пустая: схема будет создана</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>older than this app: upgrade it</source>
        <translation>старше приложения: обновите её</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>up to date</source>
        <translation>актуальна</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>newer than this app: update the app</source>
        <translation>новее приложения: обновите приложение</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not an operator-app database</source>
        <translation>это не база данных operator-app</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Upgrade the schema of this database now? Workstations with an older version of the app will not be able to use it until they are updated.</source>
        <translation>Обновить схему этой базы данных сейчас? Рабочие места со старой версией приложения не смогут с ней работать, пока их не обновят.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The upgrade failed: {error}</source>
        <translation>Обновить схему не удалось: {error}</translation>
    </message>
</context>
<context>
    <name>DetailsPage</name>
    <message>
        <location filename="../../operator_app/gui/importing/details_page.py" line="+160"/>
        <location line="+47"/>
        <source>No campaign yet</source>
        <translation>Без кампании</translation>
    </message>
    <message>
        <location line="-40"/>
        <source>Describe the list</source>
        <translation>Опишите базу</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Supervisors compare lists by these details; the hypothesis says why this portrait of client should buy.</source>
        <translation>По этим данным супервайзеры сравнивают базы; гипотеза объясняет, почему клиенты с таким портретом должны купить.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>List &amp;name:</source>
        <translation>&amp;Название базы:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Hypothesis:</source>
        <translation>&amp;Гипотеза:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;ABC class:</source>
        <translation>Класс &amp;ABC:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Priority:</source>
        <translation>&amp;Приоритет:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Campaign:</source>
        <translation>&amp;Кампания:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone &amp;region:</source>
        <translation>&amp;Страна номеров:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Required, unique, e.g. “Dentists Kazan 2025-03”</source>
        <translation>Обязательно и без повторов, например «Стоматологии Казань 2025-03»</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Why should these clients buy? E.g. “new clinics need a steady patient flow”</source>
        <translation>Почему эти клиенты должны купить? Например: «новым клиникам нужен стабильный поток пациентов»</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Lists with a higher priority are called first ({low} to {high}).</source>
        <translation>Базы с более высоким приоритетом обзваниваются первыми (от {low} до {high}).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Numbers written without a country code are read as numbers of this country.</source>
        <translation>Номера, записанные без кода страны, считаются номерами этой страны.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Import</source>
        <translation>&amp;Загрузить</translation>
    </message>
</context>
<context>
    <name>DispositionLabels</name>
    <message>
        <location filename="../../operator_app/gui/call/disposition_labels.py" line="+26"/>
        <source>Visit confirmed</source>
        <translation>Визит подтверждён</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Visit rescheduled</source>
        <translation>Визит перенесён</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Visit cancelled by the client</source>
        <translation>Клиент отменил визит</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Calendar call done</source>
        <translation>Звонок по календарю выполнен</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No answer</source>
        <translation>Нет ответа</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Busy</source>
        <translation>Занято</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wrong number</source>
        <translation>Неверный номер</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Voicemail</source>
        <translation>Автоответчик</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Callback requested</source>
        <translation>Просит перезвонить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not target</source>
        <translation>Нецелевой</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refused</source>
        <translation>Отказ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Do not call</source>
        <translation>Не звонить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lead — to verification</source>
        <translation>Лид — на верификацию</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Visit booked</source>
        <translation>Записан на визит</translation>
    </message>
</context>
<context>
    <name>DuplicateRowsModel</name>
    <message>
        <location filename="../../operator_app/gui/importing/report_models.py" line="+122"/>
        <source>row {row} of this file</source>
        <translation>строка {row} этого файла</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>(imported as lead #{lead})</source>
        <translation>(загружена как лид №{lead})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>lead #{lead}, already in the database</source>
        <translation>лид №{lead}, уже есть в базе данных</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a number already in the database</source>
        <translation>номер уже есть в базе данных</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Row</source>
        <translation>Строка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Same number as</source>
        <translation>Тот же номер, что и</translation>
    </message>
</context>
<context>
    <name>EntriesModel</name>
    <message>
        <location filename="../../operator_app/gui/script_versions/models.py" line="+42"/>
        <source>When</source>
        <translation>Когда</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Operator</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Version</source>
        <translation>Версия</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Step</source>
        <translation>Шаг</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>What the client said</source>
        <translation>Что сказал клиент</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>(nothing was typed)</source>
        <translation>(ничего не введено)</translation>
    </message>
</context>
<context>
    <name>ErrorReportDialog</name>
    <message>
        <location filename="../../operator_app/gui/crash.py" line="+196"/>
        <source>Error</source>
        <translation>Ошибка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Something went wrong</source>
        <translation>Что-то пошло не так</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The app ran into an unexpected error, so what you were doing may not have been finished. Please send the details to your administrator; they are also saved in the log file:</source>
        <translation>В приложении произошла непредвиденная ошибка, поэтому последнее действие могло не завершиться. Пожалуйста, передайте подробности администратору; они также сохранены в журнале:</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Hide details</source>
        <translation>Скрыть подробности</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Show details</source>
        <translation>Показать подробности</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Copy report</source>
        <translation>Скопировать отчёт</translation>
    </message>
</context>
<context>
    <name>ErrorText</name>
    <message>
        <location filename="../../operator_app/gui/error_text.py" line="+23"/>
        <source>The login must be 2 to 64 Latin letters, digits or the characters . _ @ -</source>
        <translation>Логин должен состоять из 2–64 латинских букв, цифр или символов . _ @ -</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This login is already taken: choose another one.</source>
        <translation>Этот логин уже занят, выберите другой.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The password must have at least {count} characters.</source>
        <translation>Пароль должен быть не короче {count} символов.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Enter the person&apos;s name.</source>
        <translation>Укажите имя сотрудника.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>You cannot take away your own administrator access.</source>
        <translation>Нельзя лишить администраторских прав самого себя.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Wrong login or password.</source>
        <translation>Неверный логин или пароль.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This account is disabled. Ask an administrator to enable it.</source>
        <translation>Эта учётная запись отключена. Попросите администратора её включить.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The remembered user is no longer available: sign in with a password.</source>
        <translation>Запомненный пользователь больше недоступен: войдите с паролем.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A shared database always asks for the password.</source>
        <translation>Для общей базы данных пароль нужен всегда.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The current password is wrong.</source>
        <translation>Текущий пароль указан неверно.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Your role ({role}) may not do this.</source>
        <translation>Вашей роли ({role}) это действие недоступно.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>It is no longer there: someone may have removed it. Refresh and try again.</source>
        <translation>Запись не найдена — возможно, её уже удалили. Обновите данные и попробуйте ещё раз.</translation>
    </message>
</context>
<context>
    <name>ExceptionsPanel</name>
    <message>
        <location filename="../../operator_app/gui/calendar_setup/exceptions_panel.py" line="+122"/>
        <source>&amp;Date:</source>
        <translation>&amp;Дата:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;For:</source>
        <translation>&amp;Относится к:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;What:</source>
        <translation>&amp;Тип дня:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Hours:</source>
        <translation>&amp;Часы:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>N&amp;ote:</source>
        <translation>&amp;Заметка:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Whole office</source>
        <translation>Весь офис</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Selected resource only</source>
        <translation>Только выбранный ресурс</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>e.g. 10:00–14:00</source>
        <translation>например, 10:00–14:00</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>e.g. New Year</source>
        <translation>например, Новый год</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add to calendar</source>
        <translation>Добавить в календарь</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove the selected day (Delete)</source>
        <translation>Удалить выбранный день (Delete)</translation>
    </message>
    <message>
        <location line="+84"/>
        <source>Saving…</source>
        <translation>Сохранение…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Added to the calendar.</source>
        <translation>Добавлено в календарь.</translation>
    </message>
</context>
<context>
    <name>FeedbackPage</name>
    <message>
        <location filename="../../operator_app/gui/review/feedback_page.py" line="+55"/>
        <location line="+24"/>
        <source>Feedback on my calls</source>
        <translation>Обратная связь по моим звонкам</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refresh</source>
        <translation>Обновить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Load the reviews again (F5)</source>
        <translation>Загрузить оценки заново (F5)</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>— {count} new</source>
        <translation>— новых: {count}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>— nothing new</source>
        <translation>— нового нет</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>— no reviews of your calls yet</source>
        <translation>— ваши звонки ещё не оценивали</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Choose a review to read it.</source>
        <translation>Выберите оценку, чтобы прочитать её.</translation>
    </message>
</context>
<context>
    <name>FeedbackTableModel</name>
    <message>
        <location filename="../../operator_app/gui/review/models.py" line="+17"/>
        <source>Reviewed</source>
        <translation>Дата оценки</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Call</source>
        <translation>Звонок</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Client</source>
        <translation>Клиент</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Score</source>
        <translation>Оценка</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Reviewer</source>
        <translation>Проверяющий</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Read</source>
        <translation>Прочитана</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>New</source>
        <translation>Новая</translation>
    </message>
</context>
<context>
    <name>FigureTiles</name>
    <message>
        <location filename="../../operator_app/gui/dashboard/tiles.py" line="+110"/>
        <source>Calls</source>
        <translation>Звонки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reach rate</source>
        <translation>Дозвон</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Talk minutes a day</source>
        <translation>Минут разговора в день</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Leads</source>
        <translation>Лиды</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hand-offs accepted</source>
        <translation>Принято продавцами</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Visits booked</source>
        <translation>Назначено визитов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Visits held</source>
        <translation>Состоялось визитов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Attendance</source>
        <translation>Доходимость</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sales</source>
        <translation>Продажи</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Revenue</source>
        <translation>Выручка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Taken into work → lead</source>
        <translation>Взято в работу → лид</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lead → visit held</source>
        <translation>Лид → визит состоялся</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Visit held → sale</source>
        <translation>Визит состоялся → продажа</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Finished call attempts started in the period</source>
        <translation>Завершённые попытки звонка, начатые за период</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Calls in which the client was reached, of all calls</source>
        <translation>Звонки, в которых удалось дозвониться до клиента, от всех звонков</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Talk minutes divided by working days (a person&apos;s day with at least one call)</source>
        <translation>Минуты разговора, делённые на число рабочих дней (рабочий день — день, в который сотрудник сделал хотя бы один звонок)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Different leads with a call whose outcome counts as positive</source>
        <translation>Разные лиды, по которым был звонок с результатом, засчитываемым как положительный</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Leads the sellers accepted (decided in the period)</source>
        <translation>Лиды, принятые продавцами (решение принято за период)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Visits booked in the period; moving a visit is not a new booking</source>
        <translation>Визиты, назначенные за период; перенос визита не считается новой записью</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Visits in the period the client came to</source>
        <translation>Визиты за период, на которые клиент пришёл</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Visits held, of visits held and no-shows</source>
        <translation>Состоявшиеся визиты от суммы состоявшихся визитов и неявок</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Visits held that ended in a sale</source>
        <translation>Состоявшиеся визиты, которые закончились продажей</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The amounts of those sales</source>
        <translation>Суммы этих продаж</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Leads, of the leads that had at least one call: is the list being burnt?</source>
        <translation>Лиды от числа лидов, по которым был хотя бы один звонок: не «сжигается» ли база?</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Leads with a visit held, of all leads</source>
        <translation>Лиды с состоявшимся визитом от всех лидов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sales, of visits held</source>
        <translation>Продажи от числа состоявшихся визитов</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{count} reached</source>
        <translation>дозвонились: {count}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{minutes} min over {days} working days</source>
        <translation>{minutes} мин, рабочих дней: {days}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{count} no-shows</source>
        <translation>неявок: {count}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{count} taken into work</source>
        <translation>взято в работу: {count}</translation>
    </message>
</context>
<context>
    <name>FilePage</name>
    <message>
        <location filename="../../operator_app/gui/importing/file_page.py" line="+172"/>
        <source>Choose a lead list</source>
        <translation>Выбор базы лидов</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Spreadsheets (*.csv *.xlsx *.txt *.tsv);;All files (*)</source>
        <translation>Таблицы (*.csv *.xlsx *.txt *.tsv);;Все файлы (*)</translation>
    </message>
    <message>
        <location line="+110"/>
        <source>Choose the lead list</source>
        <translation>Выберите базу лидов</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A CSV file or an Excel workbook (.xlsx) with a header row. You can also drop the file onto this window.</source>
        <translation>Файл CSV или книга Excel (.xlsx) со строкой заголовков. Файл можно также перетащить в это окно.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;File:</source>
        <translation>&amp;Файл:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Path to a .csv or .xlsx file, then Enter</source>
        <translation>Путь к файлу .csv или .xlsx, затем Enter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Browse…</source>
        <translation>&amp;Обзор…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Sheet:</source>
        <translation>&amp;Лист:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>First rows of the file (numbered as in the spreadsheet):</source>
        <translation>Первые строки файла (нумерация как в таблице):</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Drop a CSV or Excel file here,
or choose it with Browse… (Alt+B).</source>
        <translation>Перетащите сюда файл CSV или Excel
или выберите его кнопкой «Обзор…» (Alt+O).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Reading {name}…</source>
        <translation>Чтение файла {name}…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Press Enter to read the file typed above.</source>
        <translation>Нажмите Enter, чтобы прочитать указанный выше файл.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No file chosen yet.</source>
        <translation>Файл пока не выбран.</translation>
    </message>
</context>
<context>
    <name>FiltersBar</name>
    <message>
        <location filename="../../operator_app/gui/dashboard/filters_bar.py" line="+97"/>
        <source>The period: whole days, both ends included</source>
        <translation>Период: целые дни, первый и последний включительно</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>to</source>
        <translation>по</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>First day</source>
        <translation>Первый день</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last day</source>
        <translation>Последний день</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Campaign</source>
        <translation>Кампания</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lead list</source>
        <translation>База лидов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Operator</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Script version</source>
        <translation>Версия скрипта</translation>
    </message>
    <message>
        <location line="+90"/>
        <source>All campaigns</source>
        <translation>Все кампании</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All lists</source>
        <translation>Все базы</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All operators</source>
        <translation>Все операторы</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All script versions</source>
        <translation>Все версии скриптов</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <location filename="../../operator_app/gui/first_run.py" line="+139"/>
        <source>Welcome — Call centre workstation</source>
        <translation>Добро пожаловать — Рабочее место колл-центра</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Welcome</source>
        <translation>Добро пожаловать</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This database is new: nobody can sign in to it yet.</source>
        <translation>Это новая база данных: в ней пока нет ни одного пользователя.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>How would you like to start?</source>
        <translation>С чего начнём?</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Create the demo workspace</source>
        <translation>Создать демо-пространство</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Five demo campaigns with their call scripts (a credit broker, a property developer, a car dealer, a dental clinic, a B2B fuel-card offer), about 270 leads in six lists, two weeks of calls, visits and sales to review, and a user for every role (operator, seller, supervisor, admin, and two more operators, petrova and ivanov; password “demo”). The quickest way to see the app at work.</source>
        <translation>Пять демо-кампаний со скриптами звонков (кредитный брокер, застройщик, автосалон, стоматология, B2B-предложение топливных карт), около 270 лидов в шести базах, две недели звонков, визитов и продаж для разбора и пользователь для каждой роли (operator, seller, supervisor, admin и ещё два оператора — petrova и ivanov; пароль «demo»). Самый быстрый способ увидеть приложение в работе.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Start empty: create the administrator</source>
        <translation>Начать с нуля: создать администратора</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>An empty workspace for real work. You create the administrator account now; the administrator then adds everyone else.</source>
        <translation>Пустое рабочее пространство для настоящей работы. Сейчас вы создадите учётную запись администратора, а он потом добавит остальных сотрудников.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The administrator manages users, campaigns and the database. Choose a login and a password you will remember.</source>
        <translation>Администратор управляет пользователями, кампаниями и базой данных. Придумайте логин и пароль, которые вы не забудете.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Login:</source>
        <translation>Логин:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your name:</source>
        <translation>Ваше имя:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Password:</source>
        <translation>Пароль:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Repeat password:</source>
        <translation>Повторите пароль:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Latin letters and digits, e.g. admin</source>
        <translation>латинские буквы и цифры, например admin</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Back</source>
        <translation>Назад</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Create administrator</source>
        <translation>Создать администратора</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Language:</source>
        <translation>Язык:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quit</source>
        <translation>Выйти</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>The demo workspace could not be created: {error}</source>
        <translation>Не удалось создать демо-пространство: {error}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The passwords do not match.</source>
        <translation>Пароли не совпадают.</translation>
    </message>
</context>
<context>
    <name>FunnelChart</name>
    <message>
        <location filename="../../operator_app/gui/charts/funnel.py" line="+65"/>
        <source>{count} · {share}</source>
        <translation>{count} · {share}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{stage}: {count}</source>
        <translation>{stage}: {count}</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+7"/>
        <source>{share} of “{stage}”</source>
        <translation>{share} от «{stage}»</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Funnel: {empty}</source>
        <translation>Воронка: {empty}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{stage} {count}</source>
        <translation>{stage} {count}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{stage} {count} ({share} of the stage before)</source>
        <translation>{stage} {count} ({share} от предыдущего этапа)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Funnel: {stages}.</source>
        <translation>Воронка: {stages}.</translation>
    </message>
</context>
<context>
    <name>HandoffControl</name>
    <message>
        <location filename="../../operator_app/gui/call/handoff_dialog.py" line="+235"/>
        <source>Save a target verification to hand the lead off.</source>
        <translation>Чтобы передать лид, сохраните верификацию с вердиктом «Целевой».</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Handed off to {seller}.</source>
        <translation>Передан продавцу: {seller}.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Hand off to seller…</source>
        <translation>Передать продавцу…</translation>
    </message>
</context>
<context>
    <name>HandoffDialog</name>
    <message>
        <location line="-238"/>
        <source>The lead is not verified as target: save a target verification first.</source>
        <translation>Лид не подтверждён как целевой: сначала сохраните верификацию с вердиктом «Целевой».</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The lead has no booked presentation: book a visit first.</source>
        <translation>У лида нет назначенной презентации: сначала запишите его на визит.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This campaign is one-step: you are the seller, there is no hand-off.</source>
        <translation>Это однотактная кампания: продавец — вы, передачи лида нет.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This seller has another visit at that time: choose another seller or the least-loaded free one.</source>
        <translation>У этого продавца на это время другой визит: выберите другого продавца или наименее загруженного свободного.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No seller is free at the time of the visit.</source>
        <translation>На время визита нет свободных продавцов.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The lead is already handed off to a seller.</source>
        <translation>Лид уже передан продавцу.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The chosen person is no longer an active seller.</source>
        <translation>Выбранный сотрудник больше не работает продавцом.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>No connection to the database: nothing was handed off. Try again.</source>
        <translation>Нет связи с базой данных: лид не передан. Попробуйте ещё раз.</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>Hand off to seller</source>
        <translation>Передача лида продавцу</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Presentation:</source>
        <translation>Презентация:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Seller:</source>
        <translation>Продавец:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hand off</source>
        <translation>Передать</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Least-loaded free seller</source>
        <translation>Наименее загруженный свободный продавец</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No booked visit</source>
        <translation>Визит не назначен</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{date} at {time}, {office} ({address}), {resource}</source>
        <translation>{date} в {time}, {office} ({address}), {resource}</translation>
    </message>
</context>
<context>
    <name>HandoffPages</name>
    <message>
        <location filename="../../operator_app/gui/handoffs/background.py" line="+23"/>
        <source>The database could not be reached: {error}. Try again.</source>
        <translation>Не удалось связаться с базой данных: {error}. Попробуйте ещё раз.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Something went wrong: {error}</source>
        <translation>Что-то пошло не так: {error}</translation>
    </message>
</context>
<context>
    <name>HandoffTableModel</name>
    <message>
        <location filename="../../operator_app/gui/handoffs/models.py" line="-75"/>
        <source>Client</source>
        <translation>Клиент</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Company</source>
        <translation>Компания</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Campaign</source>
        <translation>Кампания</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Visit</source>
        <translation>Визит</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>From</source>
        <translation>От кого</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Seller</source>
        <translation>Продавец</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Handed off</source>
        <translation>Передан</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
</context>
<context>
    <name>HandoffTexts</name>
    <message>
        <location filename="../../operator_app/gui/handoffs/texts.py" line="+20"/>
        <source>nothing recorded</source>
        <translation>ничего не записано</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ext.</source>
        <translation>доб.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>verified</source>
        <translation>проверен</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Campaign</source>
        <translation>Кампания</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lead generator</source>
        <translation>Лидогенератор</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Handed off</source>
        <translation>Передан</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Seller</source>
        <translation>Продавец</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Return reason</source>
        <translation>Причина возврата</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Arbitration</source>
        <translation>Арбитраж</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>office time</source>
        <translation>время офиса</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>With</source>
        <translation>С кем</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>INN</source>
        <translation>ИНН</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Verdict</source>
        <translation>Вердикт</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Overridden; computed verdict was</source>
        <translation>Вердикт изменён вручную; расчётный был</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Non-target reason</source>
        <translation>Причина нецелевого</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>objection</source>
        <translation>возражение</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Waiting for decision</source>
        <translation>Ждёт решения</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Accepted</source>
        <translation>Принят</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Returned, waiting for arbitration</source>
        <translation>Возвращён, ждёт арбитража</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Return upheld</source>
        <translation>Возврат подтверждён</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Return overruled</source>
        <translation>Возврат отклонён</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Target</source>
        <translation>Целевой</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Non-target</source>
        <translation>Нецелевой</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Incomplete</source>
        <translation>Неполный</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>decision maker</source>
        <translation>ЛПР</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>influencer</source>
        <translation>влияет на решение</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>secretary</source>
        <translation>секретарь</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>other</source>
        <translation>другая роль</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Someone else decided this hand-off first (it is now: {state}). The list has been refreshed.</source>
        <translation>По этой передаче лида уже принял решение кто-то другой (сейчас: {state}). Список обновлён.</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>Visit</source>
        <translation>Визит</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Client</source>
        <translation>Клиент</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Company</source>
        <translation>Компания</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+19"/>
        <source>Verification</source>
        <translation>Верификация</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Answers, step by step</source>
        <translation>Ответы по шагам</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Call notes</source>
        <translation>Заметки по звонку</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>yes</source>
        <translation>да</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no</source>
        <translation>нет</translation>
    </message>
</context>
<context>
    <name>IcsSaver</name>
    <message>
        <location filename="../../operator_app/gui/calendar/ics_export.py" line="+52"/>
        <source>Save visits as an iCalendar file</source>
        <translation>Сохранить визиты в файл календаря (.ics)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>iCalendar files (*.ics)</source>
        <translation>Файлы календаря (*.ics)</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>The file {path} could not be written: {reason}</source>
        <translation>Не удалось записать файл {path}: {reason}</translation>
    </message>
</context>
<context>
    <name>ImportTexts</name>
    <message>
        <location filename="../../operator_app/gui/importing/texts.py" line="+21"/>
        <source>“{text}”</source>
        <translation>«{text}»</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Contact name</source>
        <translation>Имя контакта</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Company</source>
        <translation>Компания</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>INN</source>
        <translation>ИНН</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>City</source>
        <translation>Город</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Region</source>
        <translation>Регион</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Time zone</source>
        <translation>Часовой пояс</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E-mail</source>
        <translation>Эл. почта</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Position</source>
        <translation>Должность</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Comment</source>
        <translation>Комментарий</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keep as an extra field</source>
        <translation>Сохранить как доп. поле</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Do not import</source>
        <translation>Не загружать</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No valid phone number</source>
        <translation>Нет правильного номера телефона</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The INN fails its checksum</source>
        <translation>ИНН не проходит проверку контрольной суммы</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>empty</source>
        <translation>пусто</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>there is no phone number in it</source>
        <translation>в ячейке нет номера телефона</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>too few digits for a phone number</source>
        <translation>слишком мало цифр для номера телефона</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>too many digits for a phone number</source>
        <translation>слишком много цифр для номера телефона</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no such number exists: check the digits</source>
        <translation>такого номера не существует: проверьте цифры</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>an INN has 10 digits (a company) or 12 (an entrepreneur)</source>
        <translation>в ИНН 10 цифр (организация) или 12 (ИП)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the INN&apos;s check digits do not match: a typo?</source>
        <translation>не сходится контрольная сумма ИНН: опечатка?</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{column}: empty</source>
        <translation>{column}: пусто</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{column} {value}: {problem}</source>
        <translation>{column} {value}: {problem}</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>UTF-8 with BOM</source>
        <translation>UTF-8 с BOM</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>semicolon (;)</source>
        <translation>точка с запятой (;)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>comma (,)</source>
        <translation>запятая (,)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>tab</source>
        <translation>табуляция</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>columns: {columns} · data rows: {rows}</source>
        <translation>столбцов: {columns} · строк с данными: {rows}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Excel workbook · sheet {sheet} · {counts}</source>
        <translation>Книга Excel · лист {sheet} · {counts}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>CSV · encoding {encoding} · separator {delimiter} · {counts}</source>
        <translation>CSV · кодировка {encoding} · разделитель {delimiter} · {counts}</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>The file {name} does not exist.</source>
        <translation>Файла {name} не существует.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name} is a folder, not a file.</source>
        <translation>{name} — это папка, а не файл.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name} is not a spreadsheet the app can read. Save it from Excel as .xlsx or as CSV and choose that file.</source>
        <translation>Приложение не может прочитать {name} как таблицу. Сохраните его в Excel как .xlsx или CSV и выберите этот файл.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{name} has nothing to import: it has no filled-in rows.</source>
        <translation>В файле {name} нечего загружать: в нём нет заполненных строк.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The first filled-in row of {name} must hold column names (such as “Телефон”, “ФИО”). Add a header row and choose the file again.</source>
        <translation>Первая заполненная строка файла {name} должна содержать названия столбцов (например, «Телефон», «ФИО»). Добавьте строку заголовков и выберите файл снова.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The workbook {name} has no such sheet.</source>
        <translation>В книге {name} нет такого листа.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{name} cannot be read: it may be damaged, password-protected or open in another program.</source>
        <translation>Не удалось прочитать {name}: возможно, файл повреждён, защищён паролем или открыт в другой программе.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{name} cannot be written.</source>
        <translation>Не удалось записать {name}.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{headline}
Details: {detail}</source>
        <translation>{headline}
Подробности: {detail}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{name} could not be read: {error}</source>
        <translation>Не удалось прочитать {name}: {error}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Russia</source>
        <translation>Россия</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kazakhstan</source>
        <translation>Казахстан</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Belarus</source>
        <translation>Беларусь</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Uzbekistan</source>
        <translation>Узбекистан</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kyrgyzstan</source>
        <translation>Киргизия</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Armenia</source>
        <translation>Армения</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Azerbaijan</source>
        <translation>Азербайджан</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Georgia</source>
        <translation>Грузия</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tajikistan</source>
        <translation>Таджикистан</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Moldova</source>
        <translation>Молдова</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>A: the most attractive clients</source>
        <translation>A — самые перспективные клиенты</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>B: relevant clients</source>
        <translation>B — подходящие клиенты</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>C: the least relevant clients</source>
        <translation>C — наименее подходящие клиенты</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <location filename="../../operator_app/gui/importing/wizard.py" line="+239"/>
        <source>A list with this name already exists: choose another name.</source>
        <translation>База с таким названием уже есть, выберите другое название.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The name is too long.</source>
        <translation>Слишком длинное название.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enter a name for the list.</source>
        <translation>Введите название базы.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The column mapping does not fit the file: {reason}</source>
        <translation>Сопоставление столбцов не подходит к файлу: {reason}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The campaign {name} no longer exists: choose another one.</source>
        <translation>Кампании {name} больше нет, выберите другую.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The phone region is not a known country code.</source>
        <translation>Страна номеров указана неизвестным кодом.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>An unexpected error stopped the import ({error}). Nothing was saved; the details are in the log.</source>
        <translation>Загрузку остановила непредвиденная ошибка ({error}). Ничего не сохранено; подробности — в журнале.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Import a lead list</source>
        <translation>Загрузка базы лидов</translation>
    </message>
</context>
<context>
    <name>IncomingHandoffsPage</name>
    <message>
        <location filename="../../operator_app/gui/handoffs/incoming.py" line="+71"/>
        <location line="+55"/>
        <source>Incoming leads</source>
        <translation>Входящие лиды</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Waiting for my decision</source>
        <translation>Ждут моего решения</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Accepted</source>
        <translation>Принятые</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Returned</source>
        <translation>Возвращённые</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Refresh</source>
        <translation>Обновить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Load the hand-offs again (F5)</source>
        <translation>Загрузить переданные лиды заново (F5)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Accept</source>
        <translation>Принять</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Return…</source>
        <translation>Вернуть…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Send the lead back with a reason</source>
        <translation>Вернуть лид с указанием причины</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nothing here</source>
        <translation>Здесь пока пусто</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Leads that lead generators hand over to you appear here, with everything they captured: the answers, the verification and the booked visit.</source>
        <translation>Здесь появляются лиды, которые вам передают лидогенераторы, со всеми собранными данными: ответами, верификацией и назначенным визитом.</translation>
    </message>
    <message>
        <location line="+65"/>
        <source>The hand-offs could not be loaded. {reason}</source>
        <translation>Не удалось загрузить переданные лиды. {reason}</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Choose a hand-off to see what was captured.</source>
        <translation>Выберите переданный лид, чтобы увидеть собранные данные.</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Return the lead</source>
        <translation>Возврат лида</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Why are you returning {client}? The reason goes to the supervisor, who decides whether the lead counts as the lead generator&apos;s.</source>
        <translation>Почему вы возвращаете лид {client}? Причину увидит супервайзер и решит, засчитывать ли лид лидогенератору.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Return</source>
        <translation>Вернуть</translation>
    </message>
</context>
<context>
    <name>KpiTexts</name>
    <message>
        <location filename="../../operator_app/gui/kpi/texts.py" line="+19"/>
        <source>Calls</source>
        <translation>Звонки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Talk minutes</source>
        <translation>Минуты разговора</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Leads</source>
        <translation>Лиды</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hand-offs accepted</source>
        <translation>Принято продавцами</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Visits booked</source>
        <translation>Назначено визитов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Held presentations</source>
        <translation>Состоявшиеся презентации</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sales</source>
        <translation>Продажи</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>{value} %</source>
        <translation>{value} %</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>working days up to {day}: {days}</source>
        <translation>рабочих дней на {day}: {days}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No KPI weights are set for this role · {days}</source>
        <translation>Веса KPI для этой роли не заданы · {days}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Score: {score} · {days}</source>
        <translation>Итог: {score} · {days}</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../../operator_app/gui/labels.py" line="+16"/>
        <source>Operator</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Seller</source>
        <translation>Продавец</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Supervisor</source>
        <translation>Супервайзер</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Administrator</source>
        <translation>Администратор</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Two-step (lead generator and seller)</source>
        <translation>Двухтактная (лидогенератор и продавец)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>One-step</source>
        <translation>Однотактная</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>embedded</source>
        <translation>встроенная</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>shared</source>
        <translation>общая</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SQLite (embedded, on this computer)</source>
        <translation>SQLite (встроенная, на этом компьютере)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>PostgreSQL (shared)</source>
        <translation>PostgreSQL (общая)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Yes</source>
        <translation>Да</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>No</source>
        <translation>Нет</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Contact</source>
        <translation>Контакт</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Diagnostics</source>
        <translation>Диагностика</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Teaser</source>
        <translation>Тизер</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Objections</source>
        <translation>Возражения</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Closing</source>
        <translation>Завершение</translation>
    </message>
</context>
<context>
    <name>LeadListTableModel</name>
    <message>
        <location filename="../../operator_app/gui/models/lead_lists.py" line="+27"/>
        <source>Name</source>
        <translation>Название</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>ABC</source>
        <translation>ABC</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Priority</source>
        <translation>Приоритет</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Campaign</source>
        <translation>Кампания</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Hypothesis</source>
        <translation>Гипотеза</translation>
    </message>
    <message>
        <location line="-12"/>
        <source>Read</source>
        <translation>Прочитано</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Imported</source>
        <translation>Загружено</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Duplicates</source>
        <translation>Дубли</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rejected</source>
        <translation>Отклонено</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Blocked</source>
        <translation>В стоп-листе</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Created</source>
        <translation>Создана</translation>
    </message>
</context>
<context>
    <name>LeadListsPanel</name>
    <message>
        <location filename="../../operator_app/gui/panels/lead_lists.py" line="+62"/>
        <location line="+25"/>
        <source>Lead lists</source>
        <translation>Базы лидов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Filter by name, campaign, hypothesis…</source>
        <translation>Поиск по названию, кампании, гипотезе…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refresh</source>
        <translation>Обновить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Load the lists again (F5)</source>
        <translation>Загрузить базы заново (F5)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A list (a lead base) is a file of potential clients with a hypothesis: why exactly these people should buy. Import a CSV or Excel file to start calling it and to compare how the lists convert.</source>
        <translation>База лидов — это список потенциальных клиентов и гипотеза о том, почему купить должны именно они. Загрузите файл CSV или Excel, чтобы начать обзвон и сравнивать конверсию баз.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Lists are imported by a supervisor or an administrator.</source>
        <translation>Базы загружает супервайзер или администратор.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No lead lists yet</source>
        <translation>Баз лидов пока нет</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import list…</source>
        <translation>Загрузить базу…</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The lists could not be loaded from the database: {error}</source>
        <translation>Не удалось загрузить базы лидов из базы данных: {error}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../operator_app/gui/main_window.py" line="+125"/>
        <source>{name} ({role}) — Call centre workstation</source>
        <translation>{name} ({role}) — Рабочее место колл-центра</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;File</source>
        <translation>&amp;Файл</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Help</source>
        <translation>&amp;Справка</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Import list…</source>
        <translation>&amp;Загрузить базу…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import a lead list from CSV or Excel (Ctrl+I)</source>
        <translation>Загрузить базу лидов из CSV или Excel (Ctrl+I)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>My &amp;results…</source>
        <translation>Мои &amp;результаты…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Your scorecard and the feedback on your calls (Ctrl+Shift+R)</source>
        <translation>Ваша карта KPI и обратная связь по вашим звонкам (Ctrl+Shift+R)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Settings…</source>
        <translation>&amp;Настройки…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign &amp;out</source>
        <translation>В&amp;ыйти из учётной записи</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Quit</source>
        <translation>&amp;Выход</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;About</source>
        <translation>&amp;О программе</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Signed in as {login}</source>
        <translation>Вход выполнен как {login}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Database: {kind}</source>
        <translation>База данных: {kind}</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>Unsaved changes</source>
        <translation>Несохранённые изменения</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The page “{page}” has changes that are not saved or published yet. Discard them?</source>
        <translation>На странице «{page}» есть несохранённые или неопубликованные изменения. Отменить их?</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>The list was imported.</source>
        <translation>База загружена.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Settings saved</source>
        <translation>Настройки сохранены</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The new database will be used the next time the app starts.</source>
        <translation>Новая база данных будет использоваться после перезапуска приложения.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>About</source>
        <translation>О программе</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&lt;h3&gt;Call centre workstation {version}&lt;/h3&gt;&lt;p&gt;For phone sales teams: operators, sellers, supervisors and administrators work one shared queue of leads, follow call scripts, verify leads and book visits.&lt;/p&gt;&lt;p&gt;Database: {database}&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Рабочее место колл-центра {version}&lt;/h3&gt;&lt;p&gt;Для отделов телефонных продаж: операторы, продавцы, супервайзеры и администраторы работают с общей очередью лидов, ведут звонки по скриптам, верифицируют лиды и назначают встречи.&lt;/p&gt;&lt;p&gt;База данных: {database}&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>MappingModel</name>
    <message>
        <location filename="../../operator_app/gui/importing/mapping_model.py" line="+163"/>
        <source>Column in the file</source>
        <translation>Столбец файла</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sample values</source>
        <translation>Примеры значений</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Imports as</source>
        <translation>Загружается как</translation>
    </message>
</context>
<context>
    <name>MappingPage</name>
    <message>
        <location filename="../../operator_app/gui/importing/mapping_page.py" line="+259"/>
        <source>Choose a file first.</source>
        <translation>Сначала выберите файл.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Enter the source name to save the mapping under.</source>
        <translation>Укажите источник, для которого сохранить сопоставление.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No column is marked as {phone}. Choose {phone} for the column that holds phone numbers: a lead without a phone cannot be called.</source>
        <translation>Ни один столбец не отмечен как «{phone}». Выберите «{phone}» для столбца с номерами: лиду без телефона невозможно позвонить.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{field} is chosen for several columns: {columns}. It may come from one column only; choose another field for the others (only {several} may be chosen several times).</source>
        <translation>«{field}» выбрано для нескольких столбцов: {columns}. Это поле можно взять только из одного столбца; для остальных выберите другое поле (несколько раз можно выбирать только {several}).</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Save this mapping for the source {source}</source>
        <translation>Сохранить это сопоставление для источника {source}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save this mapping for the source</source>
        <translation>Сохранить это сопоставление для источника</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Match the columns to lead fields</source>
        <translation>Сопоставьте столбцы с полями лида</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Choose what each column holds. At least one column must hold phone numbers; several phone columns are fine. Extra fields are kept with the lead as they are.</source>
        <translation>Укажите, что содержит каждый столбец. Хотя бы один столбец должен содержать номера телефонов; таких столбцов может быть несколько. Дополнительные поля сохраняются в карточке лида как есть.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>S&amp;ource:</source>
        <translation>&amp;Источник:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Who supplied the list, e.g. the file name</source>
        <translation>Откуда база, например название файла</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The next file from the same source gets the same mapping.</source>
        <translation>Следующий файл из того же источника получит то же сопоставление.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Use the saved mapping</source>
        <translation>Ис&amp;пользовать сохранённое сопоставление</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Using the mapping saved for the source {source}.</source>
        <translation>Используется сопоставление, сохранённое для источника {source}.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This file lacks some of its columns: {columns}.</source>
        <translation>В этом файле нет некоторых из его столбцов: {columns}.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Suggested from the column names: check each row.</source>
        <translation>Предложено по названиям столбцов — проверьте каждую строку.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The mapping saved for this source is damaged and was not used.</source>
        <translation>Сохранённое для этого источника сопоставление повреждено и не использовано.</translation>
    </message>
</context>
<context>
    <name>MessagingTexts</name>
    <message>
        <location filename="../../operator_app/gui/messaging/texts.py" line="+33"/>
        <source>Queued</source>
        <translation>В очереди</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sent</source>
        <translation>Отправлено</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Failed</source>
        <translation>Не отправлено</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>E-mail</source>
        <translation>Эл. почта</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Messenger</source>
        <translation>Мессенджер</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>By hand</source>
        <translation>Вручную</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Russian</source>
        <translation>Русский</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>English</source>
        <translation>Английский</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Booking confirmation</source>
        <translation>Подтверждение записи</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reminder the day before</source>
        <translation>Напоминание накануне</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Could not reach you</source>
        <translation>Не удалось дозвониться</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Polite cancellation</source>
        <translation>Вежливая отмена</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>After a missed visit</source>
        <translation>После неявки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Review request</source>
        <translation>Просьба об отзыве</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next visit reminder</source>
        <translation>Напоминание о следующем визите</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Visit moved</source>
        <translation>Визит перенесён</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>An earlier time is free</source>
        <translation>Освободилось более раннее время</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>client&apos;s name</source>
        <translation>имя клиента</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>visit date</source>
        <translation>дата визита</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>visit time</source>
        <translation>время визита</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>office name</source>
        <translation>название офиса</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>office address</source>
        <translation>адрес офиса</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>how to get there</source>
        <translation>как добраться</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>office phone</source>
        <translation>телефон офиса</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>who receives the client</source>
        <translation>кто принимает клиента</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>company name</source>
        <translation>название компании</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Fill this in.</source>
        <translation>Заполните это поле.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enter text here.</source>
        <translation>Введите здесь текст.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This number is outside the allowed range.</source>
        <translation>Число выходит за допустимые пределы.</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+11"/>
        <source>Choose one of the offered values.</source>
        <translation>Выберите одно из предложенных значений.</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>Enter an e-mail address, such as visits@example.ru.</source>
        <translation>Введите адрес эл. почты, например visits@example.ru.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Enter a web address that starts with https:// (or http://).</source>
        <translation>Введите веб-адрес, начинающийся с https:// (или http://).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Enter a time as HH:MM.</source>
        <translation>Введите время в виде ЧЧ:ММ.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>These values are malformed.</source>
        <translation>Значения записаны в неверном формате.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose yes or no.</source>
        <translation>Выберите «да» или «нет».</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enter a whole number.</source>
        <translation>Введите целое число.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This is not a repeat rule the app understands. Choose a preset or write an RFC 5545 rule such as FREQ=MONTHLY;INTERVAL=3.</source>
        <translation>Приложение не понимает такое правило повторения. Выберите готовый вариант или запишите правило по RFC 5545, например FREQ=MONTHLY;INTERVAL=3.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This setting is not known.</source>
        <translation>Неизвестная настройка.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Unknown placeholder {{{name}}}. Use one of: {known}.</source>
        <translation>Неизвестная переменная {{{name}}}. Используйте одну из этих: {known}.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>A brace is not closed. Write {{ or }} for a brace that is meant as text.</source>
        <translation>Фигурная скобка не закрыта. Чтобы скобка осталась в тексте, напишите {{ или }}.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>This message has already been sent.</source>
        <translation>Это сообщение уже отправлено.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This message is {state} now: refresh and try again.</source>
        <translation>Сообщение сейчас в состоянии «{state}»: обновите список и попробуйте ещё раз.</translation>
    </message>
</context>
<context>
    <name>MyResultsWindow</name>
    <message>
        <location filename="../../operator_app/gui/my_results.py" line="+45"/>
        <source>My results</source>
        <translation>Мои результаты</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scorecard</source>
        <translation>Карта KPI</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Feedback on my calls</source>
        <translation>Обратная связь по моим звонкам</translation>
    </message>
</context>
<context>
    <name>ObjectionForm</name>
    <message>
        <location filename="../../operator_app/gui/script_editor/forms.py" line="+379"/>
        <source>Separate the responses with an empty line</source>
        <translation>Разделяйте варианты ответа пустой строкой</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Objection</source>
        <translation>Возражение</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Responses</source>
        <translation>Варианты ответа</translation>
    </message>
</context>
<context>
    <name>ObjectionsDialog</name>
    <message>
        <location filename="../../operator_app/gui/call/objections_dialog.py" line="+32"/>
        <source>Objections</source>
        <translation>Возражения</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Search by the client&apos;s words…</source>
        <translation>Поиск по словам клиента…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Record the objection</source>
        <translation>Записать возражение</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Nothing found</source>
        <translation>Ничего не найдено</translation>
    </message>
</context>
<context>
    <name>OfficeDialog</name>
    <message>
        <location filename="../../operator_app/gui/calendar_setup/dialogs.py" line="+229"/>
        <source>Edit office</source>
        <translation>Изменение офиса</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+19"/>
        <source>Add office</source>
        <translation>Добавить офис</translation>
    </message>
    <message>
        <location line="-15"/>
        <source>&amp;Name:</source>
        <translation>&amp;Название:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Address:</source>
        <translation>&amp;Адрес:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How to &amp;get there:</source>
        <translation>Как &amp;добраться:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Phone:</source>
        <translation>&amp;Телефон:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Time zone:</source>
        <translation>&amp;Часовой пояс:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Taking visits:</source>
        <translation>Приём визитов:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>e.g. Office on Tverskaya</source>
        <translation>например, Офис на Тверской</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Street, building, floor</source>
        <translation>Улица, дом, этаж</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sent to clients with the confirmation: exit of the metro, entrance, floor</source>
        <translation>Отправляется клиентам вместе с подтверждением: выход из метро, подъезд, этаж</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>e.g. +7 495 123-45-67</source>
        <translation>например, +7 495 123-45-67</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Active</source>
        <translation>Активен</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save</source>
        <translation>Сохранить</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>This office has {count} booked visits ahead. They stay booked: move or cancel them in the calendar. Press “Deactivate anyway” to stop new bookings.</source>
        <translation>У этого офиса назначены будущие визиты: {count}. Они останутся в силе — перенесите или отмените их в календаре. Нажмите «Всё равно отключить», чтобы прекратить новые записи.</translation>
    </message>
</context>
<context>
    <name>OperatorWorkspace</name>
    <message>
        <location filename="../../operator_app/gui/call/workspace.py" line="+314"/>
        <source>You have an unfinished call with {name} from {time} — restore?</source>
        <translation>У вас есть незавершённый звонок клиенту {name} от {time} — восстановить?</translation>
    </message>
    <message>
        <location line="+109"/>
        <source>Nobody to call right now. The queue is empty.</source>
        <translation>Сейчас звонить некому: очередь пуста.</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>This campaign has no call script.</source>
        <translation>У этой кампании нет скрипта звонка.</translation>
    </message>
    <message>
        <location line="+98"/>
        <source>Record how the call went with the buttons of «The visit».</source>
        <translation>Отметьте итог звонка кнопками в блоке «Визит».</translation>
    </message>
    <message>
        <location line="+22"/>
        <location line="+179"/>
        <source>Saving…</source>
        <translation>Сохранение…</translation>
    </message>
    <message>
        <location line="-172"/>
        <source>The call was saved.</source>
        <translation>Звонок сохранён.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The call is kept on this computer until it is saved.</source>
        <translation>Звонок хранится на этом компьютере, пока его не удастся сохранить.</translation>
    </message>
    <message>
        <location line="+103"/>
        <source>Visit booked: {client} client&apos;s time, {office} office time.</source>
        <translation>Визит назначен: {client} по времени клиента, {office} по времени офиса.</translation>
    </message>
    <message>
        <location line="+95"/>
        <source>No connection to the database — your work is kept on this computer and will be saved when the connection returns.</source>
        <translation>Нет связи с базой данных — ваша работа хранится на этом компьютере и будет сохранена, когда связь восстановится.</translation>
    </message>
    <message numerus="yes">
        <location line="+36"/>
        <source>The connection is back: %n saved call(s) sent.</source>
        <translation>
            <numerusform>Связь восстановлена: отправлен %n сохранённый звонок.</numerusform>
            <numerusform>Связь восстановлена: отправлено %n сохранённых звонка.</numerusform>
            <numerusform>Связь восстановлена: отправлено %n сохранённых звонков.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>A kept call could not be saved: {problem}</source>
        <translation>Сохранённый на компьютере звонок не удалось записать: {problem}</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Press F2 or «Next client» to take the next client.</source>
        <translation>Нажмите F2 или «Следующий клиент», чтобы взять клиента.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Restore</source>
        <translation>Восстановить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Discard</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Book a visit…</source>
        <translation>Записать на визит…</translation>
    </message>
    <message>
        <location line="-18"/>
        <source>Choose Ready, then press F2 or «Next client» to take the next client.</source>
        <translation>Выберите статус «Готов», затем нажмите F2 или «Следующий клиент», чтобы взять клиента.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Next client</source>
        <translation>Следующий клиент</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Objections</source>
        <translation>Возражения</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the call</source>
        <translation>Сохранить звонок</translation>
    </message>
</context>
<context>
    <name>OutboxPage</name>
    <message>
        <location filename="../../operator_app/gui/messaging/outbox_page.py" line="+99"/>
        <location line="+63"/>
        <source>Messages to clients</source>
        <translation>Сообщения клиентам</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refresh</source>
        <translation>Обновить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Load the messages again (F5)</source>
        <translation>Загрузить сообщения заново (F5)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Send due now</source>
        <translation>Отправить сейчас</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Send every message whose time has come, without waiting (Ctrl+Shift+Enter)</source>
        <translation>Отправить все сообщения, время которых наступило, не дожидаясь (Ctrl+Shift+Enter)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Retry</source>
        <translation>Повторить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Queue the failed message again (Ctrl+R)</source>
        <translation>Снова поставить неотправленное сообщение в очередь (Ctrl+R)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copy text</source>
        <translation>Скопировать текст</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Copy the message to paste it elsewhere (Ctrl+Shift+C)</source>
        <translation>Скопировать сообщение, чтобы вставить его в другое место (Ctrl+Shift+C)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open link</source>
        <translation>Открыть ссылку</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open the mail program or messenger with the text filled in (Ctrl+L)</source>
        <translation>Открыть почтовую программу или мессенджер с уже вставленным текстом (Ctrl+L)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mark sent</source>
        <translation>Отметить отправленным</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>You sent this message yourself: record it as sent (Ctrl+M)</source>
        <translation>Вы отправили это сообщение сами: отметить его как отправленное (Ctrl+M)</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>All</source>
        <translation>Все</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>The messages could not be loaded. {reason}</source>
        <translation>Не удалось загрузить сообщения. {reason}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Choose a message to see its text.</source>
        <translation>Выберите сообщение, чтобы увидеть его текст.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>To: {client}, {address} ({channel})</source>
        <translation>Кому: {client}, {address} ({channel})</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Template: {template}</source>
        <translation>Шаблон: {template}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State: {state}; attempts: {attempts}</source>
        <translation>Состояние: {state}; попыток: {attempts}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sent: {when}</source>
        <translation>Отправлено: {when}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Send after: {when}</source>
        <translation>Отправить после: {when}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Last error: {error}</source>
        <translation>Последняя ошибка: {error}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Subject: {subject}</source>
        <translation>Тема: {subject}</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>The text of the message to {client} is copied.</source>
        <translation>Текст сообщения для получателя {client} скопирован.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>No program on this computer opens this link. Copy the text and send it yourself, then mark it sent.</source>
        <translation>На этом компьютере нет программы, которая открывает такую ссылку. Скопируйте текст, отправьте его сами и отметьте сообщение отправленным.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Once you have sent it, mark the message sent (Ctrl+M).</source>
        <translation>Когда отправите, отметьте сообщение отправленным (Ctrl+M).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The message is queued again.</source>
        <translation>Сообщение снова поставлено в очередь.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The message is recorded as sent.</source>
        <translation>Сообщение отмечено как отправленное.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Sending the messages that are due…</source>
        <translation>Отправка сообщений, время которых наступило…</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Sent: {sent}. Will be retried: {retried}. Failed: {failed}. Still queued: {left}.</source>
        <translation>Отправлено: {sent}. Будет повторено: {retried}. Не отправлено: {failed}. Осталось в очереди: {left}.</translation>
    </message>
</context>
<context>
    <name>OutboxTableModel</name>
    <message>
        <location filename="../../operator_app/gui/messaging/outbox_model.py" line="+39"/>
        <source>Created</source>
        <translation>Создано</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Send after</source>
        <translation>Отправить после</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Client</source>
        <translation>Клиент</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Channel</source>
        <translation>Канал</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Address</source>
        <translation>Адрес</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Template</source>
        <translation>Шаблон</translation>
    </message>
    <message>
        <location line="-17"/>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Attempts</source>
        <translation>Попытки</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Last error</source>
        <translation>Последняя ошибка</translation>
    </message>
</context>
<context>
    <name>OutcomePanel</name>
    <message>
        <location filename="../../operator_app/gui/call/outcome_panel.py" line="+82"/>
        <location line="+103"/>
        <source>Choose the outcome…</source>
        <translation>Выберите результат…</translation>
    </message>
    <message>
        <location line="-43"/>
        <source>Choose the outcome of the call.</source>
        <translation>Выберите результат звонка.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Set a callback time in the future.</source>
        <translation>Укажите время перезвона в будущем.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Give the reason for «{outcome}».</source>
        <translation>Укажите причину для результата «{outcome}».</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Outcome</source>
        <translation>Результат</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Outcome:</source>
        <translation>Результат:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Call back at:</source>
        <translation>Перезвонить:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reason:</source>
        <translation>Причина:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Notes:</source>
        <translation>Заметки:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save and close the card (Ctrl+S)</source>
        <translation>Сохранить и закрыть карточку (Ctrl+S)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Book a visit… (Ctrl+B)</source>
        <translation>Записать на визит… (Ctrl+B)</translation>
    </message>
</context>
<context>
    <name>OverrideModel</name>
    <message>
        <location filename="../../operator_app/gui/handoffs/models.py" line="+46"/>
        <source>When</source>
        <translation>Когда</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Operator</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Campaign</source>
        <translation>Кампания</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Client</source>
        <translation>Клиент</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Computed</source>
        <translation>Расчётный</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Set to</source>
        <translation>Изменён на</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Comment</source>
        <translation>Комментарий</translation>
    </message>
</context>
<context>
    <name>PeriodPicker</name>
    <message>
        <location filename="../../operator_app/gui/kpi/period_picker.py" line="+60"/>
        <source>to</source>
        <translation>по</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>First day of the period</source>
        <translation>Первый день периода</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last day of the period (included)</source>
        <translation>Последний день периода (включительно)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This month</source>
        <translation>Этот месяц</translation>
    </message>
</context>
<context>
    <name>PlanForm</name>
    <message>
        <location filename="../../operator_app/gui/kpi/plan_form.py" line="+103"/>
        <source>&amp;For</source>
        <translation>&amp;Для кого</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Metric</source>
        <translation>&amp;Показатель</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;A day</source>
        <translation>&amp;В день</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Valid &amp;from</source>
        <translation>Действует &amp;с</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Valid to</source>
        <translation>Действует по</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>ends on</source>
        <translation>дата окончания</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add plan</source>
        <translation>Добавить план</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save changes</source>
        <translation>Сохранить изменения</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Everyone: {role}</source>
        <translation>Все с ролью «{role}»</translation>
    </message>
</context>
<context>
    <name>PlanModel</name>
    <message>
        <location filename="../../operator_app/gui/kpi/models.py" line="+129"/>
        <source>For</source>
        <translation>Для кого</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Everyone: {role}</source>
        <translation>Все с ролью «{role}»</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Metric</source>
        <translation>Показатель</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A day</source>
        <translation>В день</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>From</source>
        <translation>Действует с</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>To</source>
        <translation>Действует по</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>open-ended</source>
        <translation>бессрочно</translation>
    </message>
</context>
<context>
    <name>PlansPage</name>
    <message>
        <location filename="../../operator_app/gui/kpi/plans_page.py" line="+114"/>
        <location line="+26"/>
        <source>Scorecards</source>
        <translation>Карты KPI</translation>
    </message>
    <message>
        <location line="-24"/>
        <location line="+25"/>
        <source>Plans</source>
        <translation>Планы</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Plans and KPIs</source>
        <translation>Планы и KPI</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refresh</source>
        <translation>Обновить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Load everything again (F5)</source>
        <translation>Загрузить всё заново (F5)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>KPI weights</source>
        <translation>Веса KPI</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Scorecard {person}</source>
        <translation>Карта KPI {person}</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Plans and scorecards could not be loaded. {reason}</source>
        <translation>Не удалось загрузить планы и карты KPI. {reason}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Choose a person to see their scorecard.</source>
        <translation>Выберите сотрудника, чтобы увидеть его карту KPI.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{person}: {summary}</source>
        <translation>{person}: {summary}</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The change was not saved. {reason}</source>
        <translation>Изменение не сохранено. {reason}</translation>
    </message>
</context>
<context>
    <name>PreferencesEditor</name>
    <message>
        <location filename="../../operator_app/gui/call/preferences_editor.py" line="+176"/>
        <source>{day}: the range must end after it starts.</source>
        <translation>{day}: конец интервала должен быть позже начала.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Unknown time zone: choose one from the list.</source>
        <translation>Неизвестный часовой пояс: выберите его из списка.</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Any time suits the client.</source>
        <translation>Клиенту удобно в любое время.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Mon</source>
        <translation>Пн</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tue</source>
        <translation>Вт</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wed</source>
        <translation>Ср</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Thu</source>
        <translation>Чт</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fri</source>
        <translation>Пт</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sat</source>
        <translation>Сб</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sun</source>
        <translation>Вс</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>from</source>
        <translation>с</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>to</source>
        <translation>до</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Weekdays after 18:00</source>
        <translation>Будни после 18:00</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Weekends</source>
        <translation>Выходные</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Any time</source>
        <translation>В любое время</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Client&apos;s time zone:</source>
        <translation>Часовой пояс клиента:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The card only guessed the zone: ask the client and correct it if needed.</source>
        <translation>Часовой пояс в карточке определён предположительно: уточните его у клиента и при необходимости исправьте.</translation>
    </message>
</context>
<context>
    <name>QueuePanel</name>
    <message>
        <location filename="../../operator_app/gui/call/queue_panel.py" line="+165"/>
        <location line="+222"/>
        <source>All campaigns</source>
        <translation>Все кампании</translation>
    </message>
    <message>
        <location line="-192"/>
        <source>Finish the open call first.</source>
        <translation>Сначала завершите текущий звонок.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>You are on a break: nothing is offered. Choose Ready to continue.</source>
        <translation>Вы на перерыве: клиенты не предлагаются. Выберите «Готов», чтобы продолжить.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose Ready to take clients.</source>
        <translation>Выберите статус «Готов», чтобы брать клиентов.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Taking the next client…</source>
        <translation>Берём следующего клиента…</translation>
    </message>
    <message>
        <location line="+140"/>
        <location line="+42"/>
        <source>All lists</source>
        <translation>Все базы</translation>
    </message>
    <message>
        <location line="-23"/>
        <source>Say why you take a break.</source>
        <translation>Укажите причину перерыва.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Not working</source>
        <translation>Не работаю</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ready</source>
        <translation>Готов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Break</source>
        <translation>Перерыв</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>In a call</source>
        <translation>В разговоре</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>After-call work</source>
        <translation>Обработка после звонка</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>My status:</source>
        <translation>Мой статус:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reason for the break (lunch, training…)</source>
        <translation>Причина перерыва (обед, обучение…)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Start the break</source>
        <translation>Начать перерыв</translation>
    </message>
    <message>
        <location line="-174"/>
        <source>Next client (F2)</source>
        <translation>Следующий клиент (F2)</translation>
    </message>
    <message>
        <location line="+176"/>
        <source>Waiting in the chosen queue:</source>
        <translation>Ожидают в выбранной очереди:</translation>
    </message>
</context>
<context>
    <name>QueueView</name>
    <message>
        <location filename="../../operator_app/gui/call/queue_models.py" line="+23"/>
        <source>New inbound and missed</source>
        <translation>Новые входящие и пропущенные</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Callbacks due</source>
        <translation>Перезвоны</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Confirmations and reminders</source>
        <translation>Подтверждения и напоминания</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Retries</source>
        <translation>Повторные попытки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fresh list leads</source>
        <translation>Новые из баз</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>new inbound lead</source>
        <translation>новая входящая заявка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>missed call</source>
        <translation>пропущенный звонок</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>your callback is due</source>
        <translation>пора перезвонить (ваш перезвон)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>callback is due</source>
        <translation>пора перезвонить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a colleague&apos;s callback was not taken in time</source>
        <translation>перезвон коллеги не взят вовремя</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>retry after an unanswered attempt</source>
        <translation>повтор после недозвона</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>confirm the visit</source>
        <translation>подтвердить визит</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>check in the day before the visit</source>
        <translation>напомнить накануне визита</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>confirm the visit: second try</source>
        <translation>подтвердить визит: вторая попытка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>missed visit: ask what went wrong</source>
        <translation>неявка: узнать, что помешало</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>time for the next visit</source>
        <translation>пора на следующий визит</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>an earlier time has freed up</source>
        <translation>освободилось более раннее время</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>fresh lead from list {name}</source>
        <translation>новый клиент из базы {name}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>reminder call is due</source>
        <translation>пора позвонить с напоминанием</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{minutes} min</source>
        <translation>{minutes} мин</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{hours} h {minutes} min</source>
        <translation>{hours} ч {minutes} мин</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{days} d</source>
        <translation>{days} дн.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Queue</source>
        <translation>Очередь</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Waiting</source>
        <translation>Ждут</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Client</source>
        <translation>Клиент</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Company</source>
        <translation>Компания</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Why now</source>
        <translation>Почему сейчас</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Waiting for</source>
        <translation>Ждёт</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Client&apos;s time</source>
        <translation>Время клиента</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>List</source>
        <translation>База</translation>
    </message>
</context>
<context>
    <name>ReasonDialog</name>
    <message>
        <location filename="../../operator_app/gui/handoffs/reason_dialog.py" line="+42"/>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Write the text first: it cannot be empty.</source>
        <translation>Сначала напишите текст: он не может быть пустым.</translation>
    </message>
</context>
<context>
    <name>RejectedRowsModel</name>
    <message>
        <location filename="../../operator_app/gui/importing/report_models.py" line="-65"/>
        <source>Row</source>
        <translation>Строка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Problem</source>
        <translation>Проблема</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Details</source>
        <translation>Подробности</translation>
    </message>
</context>
<context>
    <name>ReminderPlanDialog</name>
    <message>
        <location filename="../../operator_app/gui/messaging/reminder_plan_dialog.py" line="+171"/>
        <source>Reminder plan</source>
        <translation>План напоминаний</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>After booking</source>
        <translation>После записи</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>After the visit (cyclic campaigns)</source>
        <translation>После визита (циклические кампании)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Send a written confirmation right after booking</source>
        <translation>Сразу после записи отправлять письменное подтверждение</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancel the visit politely when the second call does not reach the client</source>
        <translation>Вежливо отменять визит, если не удалось дозвониться до клиента и со второго раза</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Touch the day before when the visit is at least</source>
        <translation>Касание накануне, если до визита не меньше</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The day-before touch is a:</source>
        <translation>Касание накануне — это:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Confirmation call, hours before the visit:</source>
        <translation>Звонок-подтверждение, за сколько часов до визита:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Second call after, minutes:</source>
        <translation>Повторный звонок, через сколько минут:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ask for a review, hours after the visit:</source>
        <translation>Просьба об отзыве, через сколько часов после визита:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Repeat rule (RRULE):</source>
        <translation>Правило повторения (RRULE):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remind, days before the next visit:</source>
        <translation>Напоминание, за сколько дней до следующего визита:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The next-visit reminder is a:</source>
        <translation>Напоминание о следующем визите — это:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> days away</source>
        <translation> дн.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next visit:</source>
        <translation>Следующий визит:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No next visit</source>
        <translation>Без следующего визита</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every month</source>
        <translation>Каждый месяц</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every 3 months</source>
        <translation>Каждые 3 месяца</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every 6 months</source>
        <translation>Каждые 6 месяцев</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Another rule…</source>
        <translation>Другое правило…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>message</source>
        <translation>сообщение</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>call</source>
        <translation>звонок</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>A review request and a next-visit reminder are planned once a visit is held, in cyclic campaigns only.</source>
        <translation>Просьба об отзыве и напоминание о следующем визите планируются, когда визит состоялся, и только в циклических кампаниях.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Loading the reminder plan…</source>
        <translation>Загрузка плана напоминаний…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>How clients of “{campaign}” are reminded of their visits.</source>
        <translation>Как клиентам кампании «{campaign}» напоминают об их визитах.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This campaign is not cyclic: the lower part does not apply.</source>
        <translation>Эта кампания не циклическая: нижняя часть к ней не относится.</translation>
    </message>
    <message>
        <location line="+89"/>
        <source>The stored plan had a value the app no longer accepts, so the defaults are shown. Saving replaces it.</source>
        <translation>В сохранённом плане есть значение, которое приложение больше не принимает, поэтому показаны значения по умолчанию. При сохранении план будет заменён.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The reminder plan could not be loaded. {reason}</source>
        <translation>Не удалось загрузить план напоминаний. {reason}</translation>
    </message>
</context>
<context>
    <name>ResetPasswordDialog</name>
    <message>
        <location filename="../../operator_app/gui/dialogs/users.py" line="+192"/>
        <source>Reset password</source>
        <translation>Сброс пароля</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A new password for {name} ({login}). Tell it to them in person.</source>
        <translation>Новый пароль для пользователя {name} ({login}). Сообщите его лично.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>New password:</source>
        <translation>Новый пароль:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Repeat password:</source>
        <translation>Повторите пароль:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Set password</source>
        <translation>Задать пароль</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The passwords do not match.</source>
        <translation>Пароли не совпадают.</translation>
    </message>
</context>
<context>
    <name>ResourceDialog</name>
    <message>
        <location filename="../../operator_app/gui/calendar_setup/dialogs.py" line="+97"/>
        <source>Edit resource</source>
        <translation>Изменение ресурса</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+23"/>
        <source>Add resource</source>
        <translation>Добавить ресурс</translation>
    </message>
    <message>
        <location line="-19"/>
        <source>&amp;Name:</source>
        <translation>&amp;Название:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Kind:</source>
        <translation>&amp;Тип:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Linked seller:</source>
        <translation>&amp;Связанный продавец:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Seats per visit:</source>
        <translation>&amp;Мест на визит:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Visit length:</source>
        <translation>&amp;Длительность визита:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Buffer after a visit:</source>
        <translation>&amp;Перерыв после визита:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Taking visits:</source>
        <translation>Приём визитов:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>— nobody —</source>
        <translation>— не выбран —</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>e.g. Anna Ivanova, Room 2, Group presentation</source>
        <translation>например, Анна Иванова, Кабинет 2, Групповая презентация</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>How many clients one visit takes, e.g. 10 for a group presentation</source>
        <translation>Сколько клиентов можно записать на один визит, например 10 для групповой презентации</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+1"/>
        <source> min</source>
        <translation> мин</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Active</source>
        <translation>Активен</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save</source>
        <translation>Сохранить</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>This resource has {count} booked visits ahead. They stay booked: move or cancel them in the calendar. Press “Deactivate anyway” to stop new bookings.</source>
        <translation>У этого ресурса назначены будущие визиты: {count}. Они останутся в силе — перенесите или отмените их в календаре. Нажмите «Всё равно отключить», чтобы прекратить новые записи.</translation>
    </message>
</context>
<context>
    <name>ResultPage</name>
    <message>
        <location filename="../../operator_app/gui/importing/result_page.py" line="+198"/>
        <source>Save rejected rows</source>
        <translation>Сохранение отклонённых строк</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>Файлы CSV (*.csv);;Все файлы (*)</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Import finished</source>
        <translation>Загрузка завершена</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>rows read from the file</source>
        <translation>строк прочитано из файла</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>new leads imported, ready to call</source>
        <translation>новых лидов загружено и готово к обзвону</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>duplicates: the number is already known, not imported again</source>
        <translation>дублей: номер уже известен, повторно не загружен</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>rejected: no valid phone number, or an INN with a wrong checksum</source>
        <translation>отклонено: нет правильного номера телефона или неверная контрольная сумма ИНН</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>blocked: on the do-not-call list, imported but never called</source>
        <translation>в стоп-листе: загружены, но звонить им не будут</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Save rejected rows…</source>
        <translation>&amp;Сохранить отклонённые строки…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Open</source>
        <translation>&amp;Открыть</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open the saved file in the spreadsheet program</source>
        <translation>Открыть сохранённый файл в программе для таблиц</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No row was rejected.</source>
        <translation>Отклонённых строк нет.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>The list {name} is saved. New leads: {count}.</source>
        <translation>База {name} сохранена. Новых лидов: {count}.</translation>
    </message>
    <message>
        <location line="-19"/>
        <source>No duplicates: every number was new to the database and to this file.</source>
        <translation>Дублей нет: каждый номер новый и для базы данных, и для этого файла.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Rejected rows ({count})</source>
        <translation>Отклонённые строки ({count})</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Duplicates ({count})</source>
        <translation>Дубли ({count})</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>The column mapping could not be saved: {reason}</source>
        <translation>Не удалось сохранить сопоставление столбцов: {reason}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The column mapping is saved: the next file from {source} gets it at once.</source>
        <translation>Сопоставление столбцов сохранено: следующий файл из источника {source} получит его сразу.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Saved to {path}</source>
        <translation>Сохранено в {path}</translation>
    </message>
</context>
<context>
    <name>ReviewTexts</name>
    <message>
        <location filename="../../operator_app/gui/review/texts.py" line="+20"/>
        <source>Greeting and promotional notice</source>
        <translation>Приветствие и предупреждение, что звонок рекламный</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>S and P questions asked</source>
        <translation>Заданы ситуационные (S) и проблемные (P) вопросы</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Teaser with a call to action</source>
        <translation>Тизер с призывом к действию</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Closing with a reminder agreed</source>
        <translation>Завершение с договорённостью о напоминании</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Yes</source>
        <translation>Да</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No</source>
        <translation>Нет</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not applicable</source>
        <translation>Не применимо</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{score} %</source>
        <translation>{score} %</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The call did not reach the {stage} stage.</source>
        <translation>Звонок не дошёл до этапа «{stage}».</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>none</source>
        <translation>нет</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SPIN kinds recorded: {kinds} (steps: {steps}).</source>
        <translation>Записанные типы СПИН: {kinds} (шаги: {steps}).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Steps recorded: {steps}.</source>
        <translation>Записанные шаги: {steps}.</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Target</source>
        <translation>Целевой</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Non-target</source>
        <translation>Нецелевой</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Incomplete</source>
        <translation>Неполный</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>yes</source>
        <translation>да</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no</source>
        <translation>нет</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Operator</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Campaign</source>
        <translation>Кампания</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Started</source>
        <translation>Начало</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Duration / talk time</source>
        <translation>Длительность / время разговора</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Script version</source>
        <translation>Версия скрипта</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Outcome</source>
        <translation>Результат</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Objection:</source>
        <translation>Возражение:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No suitable answer:</source>
        <translation>Нет подходящего ответа:</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Review</source>
        <translation>Оценка звонка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Score</source>
        <translation>Оценка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reviewer</source>
        <translation>Проверяющий</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reviewed</source>
        <translation>Дата оценки</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Comment</source>
        <translation>Комментарий</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Callback</source>
        <translation>Перезвон</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Last step</source>
        <translation>Последний шаг</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Notes</source>
        <translation>Заметки</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Verification</source>
        <translation>Верификация</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Verdict</source>
        <translation>Вердикт</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Overridden; computed verdict was</source>
        <translation>Вердикт изменён вручную; расчётный был</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Override comment</source>
        <translation>Комментарий к изменению</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Non-target reason</source>
        <translation>Причина нецелевого</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Step by step</source>
        <translation>Ход звонка по шагам</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Time</source>
        <translation>Время</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stage</source>
        <translation>Этап</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SPIN</source>
        <translation>СПИН</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Step</source>
        <translation>Шаг</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Answer</source>
        <translation>Ответ</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Nothing was captured in this call.</source>
        <translation>В этом звонке ничего не записано.</translation>
    </message>
</context>
<context>
    <name>RunPage</name>
    <message>
        <location filename="../../operator_app/gui/importing/run_page.py" line="+166"/>
        <source>Importing</source>
        <translation>Загрузка</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Rows are checked and saved in one go: if you cancel, nothing is saved at all.</source>
        <translation>Строки проверяются и сохраняются за один раз: если отменить загрузку, не сохранится ничего.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Cancel import</source>
        <translation>&amp;Отменить загрузку</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Back to the list details</source>
        <translation>&amp;Назад к описанию базы</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%v of %m rows</source>
        <translation>%v из %m строк</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Next &gt;</source>
        <translation>&amp;Далее &gt;</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Reading, checking and saving the rows…</source>
        <translation>Чтение, проверка и сохранение строк…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancelling: undoing what was written so far…</source>
        <translation>Отмена: откатываем уже записанное…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import cancelled: nothing was saved.</source>
        <translation>Загрузка отменена: ничего не сохранено.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The import failed: nothing was saved.</source>
        <translation>Загрузка не удалась: ничего не сохранено.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import finished.</source>
        <translation>Загрузка завершена.</translation>
    </message>
</context>
<context>
    <name>ScorecardLineModel</name>
    <message>
        <location filename="../../operator_app/gui/kpi/models.py" line="-122"/>
        <source>Metric</source>
        <translation>Показатель</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Plan a day</source>
        <translation>План в день</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Fact so far</source>
        <translation>Факт на дату</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Fact a day</source>
        <translation>Факт в день</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Deviation</source>
        <translation>Отклонение</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Attainment</source>
        <translation>Выполнение</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Weight</source>
        <translation>Вес</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cut-off</source>
        <translation>Порог</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Counts</source>
        <translation>В зачёт</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Below the cut-off: this part counts zero</source>
        <translation>Ниже порога: эта часть засчитывается как ноль</translation>
    </message>
</context>
<context>
    <name>ScorecardPage</name>
    <message>
        <location filename="../../operator_app/gui/kpi/scorecard_page.py" line="+91"/>
        <source>Scorecard</source>
        <translation>Карта KPI</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>My scorecard</source>
        <translation>Моя карта KPI</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Whose scorecard</source>
        <translation>Чья карта KPI</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refresh</source>
        <translation>Обновить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Load the figures again (F5)</source>
        <translation>Загрузить показатели заново (F5)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Scorecard {person}</source>
        <translation>Карта KPI {person}</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>The scorecard could not be loaded. {reason}</source>
        <translation>Не удалось загрузить карту KPI. {reason}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>No plans or KPI weights apply to this person yet.</source>
        <translation>Для этого сотрудника пока не заданы ни планы, ни веса KPI.</translation>
    </message>
</context>
<context>
    <name>ScorecardsModel</name>
    <message>
        <location filename="../../operator_app/gui/kpi/models.py" line="+18"/>
        <source>Person</source>
        <translation>Сотрудник</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Role</source>
        <translation>Роль</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Days worked</source>
        <translation>Рабочих дней</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Score</source>
        <translation>Итог</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Below the cut-off</source>
        <translation>Ниже порога</translation>
    </message>
</context>
<context>
    <name>ScriptEditor</name>
    <message>
        <location filename="../../operator_app/gui/script_editor/texts.py" line="+18"/>
        <source>The greeting is the company&apos;s business card; a cold call must say that it is promotional.</source>
        <translation>Приветствие — визитная карточка компании; при холодном звонке нужно сказать, что звонок рекламный.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Qualifying questions first (cut a non-target lead in 1–3 questions), then situation (S) and problem (P) questions, implication (I) and need-payoff (N).</source>
        <translation>Сначала квалифицирующие вопросы (отсеять нецелевой лид за 1–3 вопроса), затем ситуационные (S) и проблемные (P) вопросы, извлекающие (I) и направляющие (N).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Two to four sentences about the offer that end with a call to action: the visit, the presentation or the order.</source>
        <translation>Две–четыре фразы о предложении, которые заканчиваются призывом к действию: визит, презентация или заказ.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Objections can come at any moment of the call; each has a title and responses.</source>
        <translation>Возражения могут прозвучать в любой момент звонка; у каждого есть название и варианты ответа.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Agree how and when the client is reminded, confirm in writing. Steps without answers end the call here.</source>
        <translation>Договоритесь, как и когда напомнить клиенту, и подтвердите договорённость письменно. Шаги без ответов завершают звонок на этом этапе.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>the script has no name</source>
        <translation>у скрипта нет названия</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the language “{detail}” is not a code like ru or en</source>
        <translation>язык «{detail}» задан не кодом вида ru или en</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the script has no steps</source>
        <translation>в скрипте нет шагов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the stage appears twice; each stage appears once</source>
        <translation>этап встречается дважды; каждый этап может быть только один раз</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the stage is empty: add to it or remove it</source>
        <translation>этап пуст: добавьте в него шаги или удалите его</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the id is empty</source>
        <translation>пустой ID</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the id may hold only Latin letters, digits and _ . - (at most 80 characters)</source>
        <translation>ID может содержать только латинские буквы, цифры и символы _ . - (не более 80 символов)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the id “{detail}” is used more than once</source>
        <translation>ID «{detail}» используется несколько раз</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the text is empty</source>
        <translation>пустой текст</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the SPIN kind “{detail}” is not one of S, P, I, N</source>
        <translation>тип СПИН «{detail}» — не S, P, I или N</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the answer has no label</source>
        <translation>у ответа нет текста</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>another answer of the step has the label “{detail}”</source>
        <translation>у этого шага уже есть ответ «{detail}»</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the answer does not say which step comes next</source>
        <translation>у ответа не указан следующий шаг</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the answer leads to “{detail}”, which is not a step</source>
        <translation>ответ ведёт к «{detail}», но такого шага нет</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>dead end: the step has no answers, but only closing steps may end the call</source>
        <translation>тупик: у шага нет ответов, а завершать звонок могут только шаги этапа «Завершение»</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>no path of answers from this step reaches the end</source>
        <translation>от этого шага ни одна цепочка ответов не доходит до конца</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>unreachable: no answer leads to this step</source>
        <translation>недостижимый шаг: ни один ответ не ведёт к нему</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the objection has no title</source>
        <translation>у возражения нет названия</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the objection has no responses</source>
        <translation>у возражения нет вариантов ответа</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a response is empty</source>
        <translation>пустой вариант ответа</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the card does not fill the placeholder {{{detail}}}; check its spelling</source>
        <translation>карточка не заполняет переменную {{{detail}}}; проверьте написание</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Script</source>
        <translation>Скрипт</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{stage} › step {step}, answer {number}</source>
        <translation>{stage} › шаг {step}, ответ {number}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{stage} › step {step}</source>
        <translation>{stage} › шаг {step}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{stage} › objection {objection}</source>
        <translation>{stage} › возражение {objection}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{where}: {reason}</source>
        <translation>{where}: {reason}</translation>
    </message>
</context>
<context>
    <name>ScriptEditorPage</name>
    <message>
        <location filename="../../operator_app/gui/script_editor/page.py" line="+211"/>
        <source>Call scripts</source>
        <translation>Скрипты звонков</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New script</source>
        <translation>Новый скрипт</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Discard changes</source>
        <translation>Отменить изменения</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open the stored version again</source>
        <translation>Снова открыть сохранённую версию</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Publish</source>
        <translation>Опубликовать</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Store the script as a new version (Ctrl+S); past calls keep theirs</source>
        <translation>Сохранить скрипт как новую версию (Ctrl+S); у прошлых звонков останется их версия</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Name</source>
        <translation>Название</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Language</source>
        <translation>Язык</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move up</source>
        <translation>Вверх</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move down</source>
        <translation>Вниз</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add stage</source>
        <translation>Добавить этап</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose a script above, or create a new one.</source>
        <translation>Выберите скрипт выше или создайте новый.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>new script, not published yet</source>
        <translation>новый скрипт, ещё не опубликован</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>version {number}</source>
        <translation>версия {number}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>(no text)</source>
        <translation>(без текста)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>(no title)</source>
        <translation>(без названия)</translation>
    </message>
    <message>
        <location line="+285"/>
        <source>Problems: none — the script can be published</source>
        <translation>Проблемы: нет — скрипт можно публиковать</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Problems: {errors} to fix, {warnings} to check</source>
        <translation>Проблемы: исправить — {errors}, проверить — {warnings}</translation>
    </message>
    <message>
        <location line="+83"/>
        <source>Publish or discard the changes before opening another script</source>
        <translation>Опубликуйте или отмените изменения, прежде чем открыть другой скрипт</translation>
    </message>
    <message>
        <location line="+12"/>
        <location line="+1"/>
        <source>Unsaved changes</source>
        <translation>Несохранённые изменения</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Add objection</source>
        <translation>Добавить возражение</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add step</source>
        <translation>Добавить шаг</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Remove or move the stage&apos;s steps first</source>
        <translation>Сначала удалите или перенесите шаги этапа</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>The script cannot be published yet: {count} problem(s) to fix. Double-click a problem to go to it.</source>
        <translation>Скрипт пока нельзя опубликовать: нужно исправить проблемы ({count}). Дважды щёлкните проблему, чтобы перейти к ней.</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Published as version {number}.</source>
        <translation>Опубликовано как версия {number}.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>A script named “{name}” already exists. Rename yours, or publish again to store it as version {next} of that script.</source>
        <translation>Скрипт с названием «{name}» уже существует. Переименуйте свой или опубликуйте ещё раз, чтобы сохранить его как версию {next} существующего скрипта.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Someone published version {latest} of this script after you opened version {expected}. Publish again to store yours as version {next}, or discard your changes to see theirs.</source>
        <translation>После того как вы открыли версию {expected}, кто-то опубликовал версию {latest} этого скрипта. Опубликуйте ещё раз, чтобы сохранить свой вариант как версию {next}, или отмените изменения, чтобы увидеть чужие.</translation>
    </message>
</context>
<context>
    <name>ScriptPanel</name>
    <message>
        <location filename="../../operator_app/gui/call/script_panel.py" line="+125"/>
        <source>Take the next client to start the script.</source>
        <translation>Возьмите следующего клиента, чтобы начать скрипт.</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Objection: {title}</source>
        <translation>Возражение: {title}</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>Script</source>
        <translation>Скрипт</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SPIN asked:</source>
        <translation>СПИН-вопросы:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The client&apos;s own words…</source>
        <translation>Слова клиента…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Record answer</source>
        <translation>Записать ответ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No suitable answer</source>
        <translation>Нет подходящего ответа</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Keep what the client said for the script&apos;s author</source>
        <translation>Сохранить слова клиента для автора скрипта</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Objections… (F3)</source>
        <translation>Возражения… (F3)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Back to the script (Ctrl+Backspace)</source>
        <translation>Вернуться к скрипту (Ctrl+Backspace)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The script ends here: choose the outcome.</source>
        <translation>Скрипт закончен: выберите результат звонка.</translation>
    </message>
</context>
<context>
    <name>ScriptVersions</name>
    <message>
        <location filename="../../operator_app/gui/script_versions/models.py" line="-202"/>
        <source>Calls</source>
        <translation>Звонки</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Reach rate</source>
        <translation>Дозвон</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Talk minutes</source>
        <translation>Минуты разговора</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Taken into work</source>
        <translation>Взято в работу</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Leads</source>
        <translation>Лиды</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Conversion to lead</source>
        <translation>Конверсия в лид</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Visits booked</source>
        <translation>Назначено визитов</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Visits held</source>
        <translation>Состоялось визитов</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Lead → held visit</source>
        <translation>Лид → визит состоялся</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sales</source>
        <translation>Продажи</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Revenue</source>
        <translation>Выручка</translation>
    </message>
    <message>
        <location filename="../../operator_app/gui/script_versions/texts.py" line="+20"/>
        <source>{value} %</source>
        <translation>{value} %</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>per operator</source>
        <translation>по операторам</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>per lead</source>
        <translation>по лидам</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>(no script version)</source>
        <translation>(без версии скрипта)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Choose two different versions.</source>
        <translation>Выберите две разные версии.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Version B&apos;s share must be between 1 and 99 %.</source>
        <translation>Доля версии B должна быть от 1 до 99 %.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>That version is no longer a published version of the campaign&apos;s script. Refresh and choose again.</source>
        <translation>Эта версия больше не является опубликованной версией скрипта кампании. Обновите данные и выберите снова.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The campaign has no call script.</source>
        <translation>У кампании нет скрипта звонка.</translation>
    </message>
</context>
<context>
    <name>ScriptVersionsPage</name>
    <message>
        <location filename="../../operator_app/gui/script_versions/page.py" line="+119"/>
        <location line="+82"/>
        <source>Script versions</source>
        <translation>Версии скриптов</translation>
    </message>
    <message>
        <location line="-73"/>
        <source>Comparison of versions</source>
        <translation>Сравнение версий</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Steps without a suitable answer</source>
        <translation>Шаги без подходящего ответа</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>What clients said</source>
        <translation>Что говорили клиенты</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Outcomes from</source>
        <translation>Результаты с</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>to</source>
        <translation>по</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refresh</source>
        <translation>Обновить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Load everything again (F5)</source>
        <translation>Загрузить всё заново (F5)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Compare</source>
        <translation>Сравнить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>with</source>
        <translation>с</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Versions and outcomes</source>
        <translation>Версии и результаты</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Split traffic</source>
        <translation>Разделение трафика</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No suitable answer</source>
        <translation>Нет подходящего ответа</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>The period ends before it starts.</source>
        <translation>Период заканчивается раньше, чем начинается.</translation>
    </message>
    <message>
        <location line="+160"/>
        <source>Choose a step to see what clients said.</source>
        <translation>Выберите шаг, чтобы увидеть, что говорили клиенты.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>What clients said at step {step} ({count} in the period):</source>
        <translation>Что говорили клиенты на шаге {step} (случаев за период: {count}):</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../operator_app/gui/dialogs/settings.py" line="+83"/>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Language:</source>
        <translation>Язык:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Database:</source>
        <translation>База данных:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Default phone region:</source>
        <translation>Страна номеров по умолчанию:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>empty: the embedded database on this computer</source>
        <translation>пусто — встроенная база данных на этом компьютере</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>For a shared database enter a URL such as postgresql+psycopg://user:password@server/base. The app checks that it connects; the new database is used after a restart. Now in use: {url}</source>
        <translation>Для общей базы данных укажите адрес вида postgresql+psycopg://пользователь:пароль@сервер/база. Приложение проверит подключение; новая база данных начнёт использоваться после перезапуска. Сейчас используется: {url}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Numbers written without a country code are read as numbers of this country.</source>
        <translation>Номера, записанные без кода страны, считаются номерами этой страны.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>“{code}” is not a country code: use two letters such as RU or KZ.</source>
        <translation>«{code}» — не код страны: укажите две буквы, например RU или KZ.</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>This is not a database URL the app understands.</source>
        <translation>Приложение не понимает такой адрес базы данных.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Could not connect to this database.</source>
        <translation>Не удалось подключиться к этой базе данных.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This database was made by a newer version of the app.</source>
        <translation>Эта база данных создана более новой версией приложения.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This database holds other tables: it is not an operator-app database.</source>
        <translation>В этой базе данных чужие таблицы: это не база operator-app.</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../operator_app/gui/sign_in.py" line="+124"/>
        <source>Sign in — Call centre workstation</source>
        <translation>Вход — Рабочее место колл-центра</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Sign in</source>
        <translation>Войти</translation>
    </message>
    <message>
        <location line="-21"/>
        <source>Call centre workstation</source>
        <translation>Рабочее место колл-центра</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Sign in</source>
        <comment>heading</comment>
        <translation>Вход</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Login:</source>
        <translation>Логин:</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Password:</source>
        <translation>Пароль:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Remember me on this computer</source>
        <translation>Запомнить меня на этом компьютере</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Next time the app opens without asking for the password.</source>
        <translation>В следующий раз приложение откроется без запроса пароля.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A shared database always asks for the password.</source>
        <translation>Для общей базы данных пароль нужен всегда.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The demo workspace is ready. Sign in as {users}. The password is &lt;b&gt;{password}&lt;/b&gt;.</source>
        <translation>Демо-пространство готово. Войдите как {users}. Пароль — &lt;b&gt;{password}&lt;/b&gt;.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Language:</source>
        <translation>Язык:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Quit</source>
        <translation>Выйти</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Enter your login.</source>
        <translation>Введите логин.</translation>
    </message>
</context>
<context>
    <name>SlotTable</name>
    <message>
        <location filename="../../operator_app/gui/call/slot_table.py" line="+30"/>
        <source>Mon</source>
        <translation>Пн</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tue</source>
        <translation>Вт</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wed</source>
        <translation>Ср</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Thu</source>
        <translation>Чт</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fri</source>
        <translation>Пт</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sat</source>
        <translation>Сб</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sun</source>
        <translation>Вс</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Client&apos;s time</source>
        <translation>Время клиента</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Office time</source>
        <translation>Время офиса</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Office / resource</source>
        <translation>Офис / ресурс</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Free seats</source>
        <translation>Свободных мест</translation>
    </message>
</context>
<context>
    <name>SplitEditor</name>
    <message>
        <location filename="../../operator_app/gui/script_versions/split_editor.py" line="+93"/>
        <source>&amp;Campaign:</source>
        <translation>&amp;Кампания:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Version &amp;A (the rest):</source>
        <translation>Версия &amp;A (остальные звонки):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Version &amp;B:</source>
        <translation>Версия &amp;B:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Share of version B:</source>
        <translation>&amp;Доля версии B:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Split &amp;by:</source>
        <translation>&amp;Разделять:</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+65"/>
        <source>Start the split</source>
        <translation>Начать разделение</translation>
    </message>
    <message>
        <location line="-63"/>
        <source>Calls of this campaign open version A or B as the split assigns</source>
        <translation>Звонки этой кампании открывают версию A или B — в соответствии с разделением</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>End the split</source>
        <translation>Завершить разделение</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every call opens the latest version again</source>
        <translation>Все звонки снова открывают последнюю версию</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>Save the split</source>
        <translation>Сохранить разделение</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>No active campaign has a call script.</source>
        <translation>Ни у одной активной кампании нет скрипта звонка.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The script has one published version: publish another to split.</source>
        <translation>У скрипта одна опубликованная версия: опубликуйте ещё одну, чтобы разделить трафик.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No split: every call opens the latest version, {version}.</source>
        <translation>Разделения нет: все звонки открывают последнюю версию — {version}.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Split {by}: {share_b} % of calls open {b}, the rest open {a}.</source>
        <translation>Разделение {by}: {share_b} % звонков открывают {b}, остальные — {a}.</translation>
    </message>
</context>
<context>
    <name>StageForm</name>
    <message>
        <location filename="../../operator_app/gui/script_editor/forms.py" line="-315"/>
        <source>Objections: {count}</source>
        <translation>Возражений: {count}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Steps: {count}</source>
        <translation>Шагов: {count}</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <location filename="../../operator_app/app.py" line="+74"/>
        <source>“{url}” is not a database address the app understands.</source>
        <translation>Приложение не понимает адрес базы данных «{url}».</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The database {url} was updated by a newer version of the app (schema {database_revision}; this version knows {app_revision}). Update the app on this computer to work with it.</source>
        <translation>База данных {url} обновлена более новой версией приложения (схема {database_revision}, а эта версия знает только {app_revision}). Чтобы работать с ней, обновите приложение на этом компьютере.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The database {url} holds tables of another program: it is not an operator-app database. Choose an empty database or one made by this app.</source>
        <translation>В базе данных {url} таблицы другой программы: это не база operator-app. Выберите пустую базу данных или созданную этим приложением.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Could not open the database {url}. Check that the server is running, the address is right and this computer may connect to it.</source>
        <translation>Не удалось открыть базу данных {url}. Проверьте, что сервер запущен, адрес указан верно и с этого компьютера разрешено подключение.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The app cannot start</source>
        <translation>Приложение не может запуститься</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Use --db to choose another database, or change it in the settings file {path}.</source>
        <translation>Укажите другую базу данных параметром --db или исправьте её в файле настроек {path}.</translation>
    </message>
</context>
<context>
    <name>StepForm</name>
    <message>
        <location filename="../../operator_app/gui/script_editor/forms.py" line="+87"/>
        <source>Not a SPIN question</source>
        <translation>Не СПИН-вопрос</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>S — situation</source>
        <translation>S — ситуационный</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>P — problem</source>
        <translation>P — проблемный</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>I — implication</source>
        <translation>I — извлекающий</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>N — need-payoff</source>
        <translation>N — направляющий</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>What the operator says; {client_name}, {company} … are filled in</source>
        <translation>Что говорит оператор; {client_name}, {company} … подставляются автоматически</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SPIN kind</source>
        <translation>Тип СПИН</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Text</source>
        <translation>Текст</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Answers (a step without answers ends the call: only in the closing stage)</source>
        <translation>Ответы (шаг без ответов завершает звонок: только на этапе «Завершение»)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Client answers</source>
        <translation>Ответы клиента</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Leads to</source>
        <translation>Ведёт к</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add answer</source>
        <translation>Добавить ответ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove answer</source>
        <translation>Удалить ответ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Up</source>
        <translation>Вверх</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Down</source>
        <translation>Вниз</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Go to step</source>
        <translation>Перейти к шагу</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Answer</source>
        <translation>Ответ</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Next step</source>
        <translation>Следующий шаг</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>— choose the next step —</source>
        <translation>— выберите следующий шаг —</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{id} (not a step)</source>
        <translation>{id} (нет такого шага)</translation>
    </message>
</context>
<context>
    <name>StepsModel</name>
    <message>
        <location filename="../../operator_app/gui/script_versions/models.py" line="+116"/>
        <source>Version</source>
        <translation>Версия</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Step</source>
        <translation>Шаг</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stage</source>
        <translation>Этап</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Entries</source>
        <translation>Случаев</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Last</source>
        <translation>Последний раз</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>What the script says</source>
        <translation>Текст скрипта</translation>
    </message>
</context>
<context>
    <name>TableExporter</name>
    <message>
        <location filename="../../operator_app/gui/widgets/table_export.py" line="+154"/>
        <source>Exporting {count} rows…</source>
        <translation>Экспорт строк: {count}…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Export…</source>
        <translation>Экспорт…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save this table as an Excel (XLSX) or CSV file ({shortcut})</source>
        <translation>Сохранить эту таблицу в файл Excel (XLSX) или CSV ({shortcut})</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Книга Excel (*.xlsx)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CSV for Excel, semicolon-separated (*.csv)</source>
        <translation>CSV для Excel, разделитель — точка с запятой (*.csv)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Export the table</source>
        <translation>Экспорт таблицы</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Exported {count} rows to {path}</source>
        <translation>Экспортировано строк: {count}. Файл: {path}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Export failed</source>
        <translation>Не удалось экспортировать</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>{path} is a folder: choose a file name.</source>
        <translation>{path} — это папка: укажите имя файла.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The folder of {path} does not exist.</source>
        <translation>Папка для файла {path} не существует.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The file {path} could not be written: {reason}</source>
        <translation>Не удалось записать файл {path}: {reason}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The table has more rows than an Excel sheet holds ({limit}): export it as CSV.</source>
        <translation>В таблице больше строк, чем помещается на лист Excel ({limit}): экспортируйте её в CSV.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Something went wrong: {error}</source>
        <translation>Что-то пошло не так: {error}</translation>
    </message>
</context>
<context>
    <name>TaskProgressDialog</name>
    <message>
        <location filename="../../operator_app/gui/tasks.py" line="+226"/>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Cancelling…</source>
        <translation>Отмена…</translation>
    </message>
</context>
<context>
    <name>TemplateTableModel</name>
    <message>
        <location filename="../../operator_app/gui/messaging/template_model.py" line="+19"/>
        <source>Message</source>
        <translation>Сообщение</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Language</source>
        <translation>Язык</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Channel</source>
        <translation>Канал</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Text</source>
        <translation>Текст</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Edited</source>
        <translation>Изменён</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Shipped, {channel} text</source>
        <translation>Стандартный, текст канала «{channel}»</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Shipped</source>
        <translation>Стандартный</translation>
    </message>
</context>
<context>
    <name>TemplatesPage</name>
    <message>
        <location filename="../../operator_app/gui/messaging/templates_page.py" line="+118"/>
        <location line="+98"/>
        <source>Message templates</source>
        <translation>Шаблоны сообщений</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Filter by message, language or channel</source>
        <translation>Поиск по сообщению, языку или каналу</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Subject:</source>
        <translation>&amp;Тема:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Text:</source>
        <translation>Те&amp;кст:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Placeholders (click to insert):</source>
        <translation>&amp;Переменные (щёлкните, чтобы вставить):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Preview with sample values:</source>
        <translation>Предпросмотр с примерами значений:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Save</source>
        <translation>Сохранить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save this text (Ctrl+S)</source>
        <translation>Сохранить этот текст (Ctrl+S)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reset to shipped</source>
        <translation>Вернуть стандартный</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Drop your edits and use the text shipped with the app</source>
        <translation>Отменить ваши правки и использовать стандартный текст из приложения</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>The templates could not be loaded. {reason}</source>
        <translation>Не удалось загрузить шаблоны. {reason}</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Unsaved changes</source>
        <translation>Несохранённые изменения</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The text of “{message}” has unsaved changes. Save them?</source>
        <translation>Текст «{message}» изменён и не сохранён. Сохранить изменения?</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Choose a message to edit its text.</source>
        <translation>Выберите сообщение, чтобы изменить его текст.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{message} · {language} · {channel}</source>
        <translation>{message} · {language} · {channel}</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Fix the text to see the preview.</source>
        <translation>Исправьте текст, чтобы увидеть предпросмотр.</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Saved.</source>
        <translation>Сохранено.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>An e-mail needs a subject.</source>
        <translation>У письма должна быть тема.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The message text must not be empty.</source>
        <translation>Текст сообщения не может быть пустым.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The subject is too long.</source>
        <translation>Слишком длинная тема.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The shipped text is used again.</source>
        <translation>Снова используется стандартный текст.</translation>
    </message>
</context>
<context>
    <name>Tile</name>
    <message>
        <location filename="../../operator_app/gui/dashboard/tiles.py" line="-118"/>
        <source>{caption}: {value}</source>
        <translation>{caption}: {value}</translation>
    </message>
</context>
<context>
    <name>TrendChart</name>
    <message>
        <location filename="../../operator_app/gui/charts/trend.py" line="+90"/>
        <source>{series}: {value}</source>
        <translation>{series}: {value}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Trend: {empty}</source>
        <translation>Динамика: {empty}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{series}: {total} in all, most on {day} ({value})</source>
        <translation>{series}: всего {total}, больше всего {day} ({value})</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Trend from {first} to {last}. {series}.</source>
        <translation>Динамика с {first} по {last}. {series}.</translation>
    </message>
</context>
<context>
    <name>UserDialog</name>
    <message>
        <location filename="../../operator_app/gui/dialogs/users.py" line="-123"/>
        <source>Edit user</source>
        <translation>Изменение пользователя</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+13"/>
        <source>Add user</source>
        <translation>Добавить пользователя</translation>
    </message>
    <message>
        <location line="-11"/>
        <source>Login:</source>
        <translation>Логин:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name:</source>
        <translation>Имя:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Role:</source>
        <translation>Роль:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Password:</source>
        <translation>Пароль:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Repeat password:</source>
        <translation>Повторите пароль:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Latin letters and digits, e.g. ivanova</source>
        <translation>латинские буквы и цифры, например ivanova</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>e.g. Anna Ivanova</source>
        <translation>например, Анна Иванова</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save</source>
        <translation>Сохранить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The passwords do not match.</source>
        <translation>Пароли не совпадают.</translation>
    </message>
</context>
<context>
    <name>UserTableModel</name>
    <message>
        <location filename="../../operator_app/gui/models/users.py" line="+17"/>
        <source>Login</source>
        <translation>Логин</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Role</source>
        <translation>Роль</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Status</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Active</source>
        <translation>Активен</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Disabled</source>
        <translation>Отключён</translation>
    </message>
</context>
<context>
    <name>UsersPanel</name>
    <message>
        <location filename="../../operator_app/gui/panels/users.py" line="+49"/>
        <location line="+19"/>
        <source>Users</source>
        <translation>Пользователи</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Everyone who works in the app signs in with their own login. A disabled user keeps their history but can no longer sign in.</source>
        <translation>Каждый сотрудник входит в приложение под своим логином. У отключённого пользователя сохраняется история, но войти он больше не может.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Add user…</source>
        <translation>Добавить…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add a user (Ctrl+N)</source>
        <translation>Добавить пользователя (Ctrl+N)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Edit…</source>
        <translation>Изменить…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reset password…</source>
        <translation>Сбросить пароль…</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The users could not be loaded from the database.</source>
        <translation>Не удалось загрузить пользователей из базы данных.</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>Enable</source>
        <translation>Включить</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Disable</source>
        <translation>Отключить</translation>
    </message>
</context>
<context>
    <name>VerificationPanel</name>
    <message>
        <location filename="../../operator_app/gui/call/verification_panel.py" line="+189"/>
        <source>Yes</source>
        <translation>Да</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No</source>
        <translation>Нет</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>dd.mm.yyyy</source>
        <translation>дд.мм.гггг</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>a number</source>
        <translation>число</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Required</source>
        <translation>Обязательный вопрос</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Not verified yet.</source>
        <translation>Верификация ещё не проводилась.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{verdict} (overridden)</source>
        <translation>{verdict} (изменён вручную)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Saved: {verdict}, {who}, {when}</source>
        <translation>Сохранено: {verdict}, {who}, {when}</translation>
    </message>
    <message>
        <location line="+155"/>
        <location line="+9"/>
        <location line="+128"/>
        <source>Target</source>
        <translation>Целевой</translation>
    </message>
    <message>
        <location line="-134"/>
        <source>Non-target — disqualified by: {questions}</source>
        <translation>Нецелевой — из-за ответов на: {questions}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Incomplete — still to answer: {questions}</source>
        <translation>Неполный — осталось ответить на: {questions}</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+128"/>
        <source>Non-target</source>
        <translation>Нецелевой</translation>
    </message>
    <message>
        <location line="-127"/>
        <source>Incomplete</source>
        <translation>Неполный</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>There is no such question.</source>
        <translation>Такого вопроса нет.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enter a number, for example 1 500 000 or 2,5.</source>
        <translation>Введите число, например 1 500 000 или 2,5.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enter a date like 31.01.2027.</source>
        <translation>Введите дату в виде 31.01.2027.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose one of the answers in the list.</source>
        <translation>Выберите один из ответов в списке.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This answer does not fit the question.</source>
        <translation>Этот ответ не подходит к вопросу.</translation>
    </message>
    <message>
        <location line="+11"/>
        <location line="+60"/>
        <source>Correct the answers marked in red first.</source>
        <translation>Сначала исправьте ответы, выделенные красным.</translation>
    </message>
    <message>
        <location line="-56"/>
        <source>Overriding the verdict needs a comment: say why.</source>
        <translation>Для ручного изменения вердикта нужен комментарий: объясните причину.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Answer the required questions first, or override the verdict with a comment.</source>
        <translation>Сначала ответьте на обязательные вопросы или измените вердикт вручную с комментарием.</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+49"/>
        <source>Choose why the lead is not target.</source>
        <translation>Выберите, почему лид нецелевой.</translation>
    </message>
    <message>
        <location line="-25"/>
        <source>Saving the verification…</source>
        <translation>Сохранение верификации…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The verification was saved.</source>
        <translation>Верификация сохранена.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Overriding the verdict needs a comment.</source>
        <translation>Для ручного изменения вердикта нужен комментарий.</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+23"/>
        <source>The lead&apos;s campaign has no verification criteria.</source>
        <translation>У кампании этого лида нет критериев верификации.</translation>
    </message>
    <message>
        <location line="-20"/>
        <source>Answer the required questions first, or override the verdict.</source>
        <translation>Сначала ответьте на обязательные вопросы или измените вердикт вручную.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No connection to the database: the verification was not saved. Retry.</source>
        <translation>Нет связи с базой данных: верификация не сохранена. Повторите попытку.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Verification</source>
        <translation>Верификация</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Verdict:</source>
        <translation>Вердикт:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Record as:</source>
        <translation>Записать как:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Override comment:</source>
        <translation>Комментарий к изменению:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Non-target reason:</source>
        <translation>Причина нецелевого:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Why the verdict differs from the computed one</source>
        <translation>Почему вердикт отличается от расчётного</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save verification</source>
        <translation>Сохранить верификацию</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>As computed</source>
        <translation>Как рассчитано</translation>
    </message>
</context>
<context>
    <name>VersionsModel</name>
    <message>
        <location filename="../../operator_app/gui/script_versions/models.py" line="-114"/>
        <source>Version</source>
        <translation>Версия</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Published</source>
        <translation>Опубликована</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Author</source>
        <translation>Автор</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Calls, all time</source>
        <translation>Звонков за всё время</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Last call</source>
        <translation>Последний звонок</translation>
    </message>
</context>
<context>
    <name>VisitDetailsDialog</name>
    <message>
        <location filename="../../operator_app/gui/calendar/details.py" line="+47"/>
        <source>Visit of {client}</source>
        <translation>Визит: {client}</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Status:</source>
        <translation>Статус:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Client:</source>
        <translation>Клиент:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone:</source>
        <translation>Телефон:</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no phone</source>
        <translation>нет телефона</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>When:</source>
        <translation>Когда:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{date}, {start}–{end} ({zone})</source>
        <translation>{date}, {start}–{end} ({zone})</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Where:</source>
        <translation>Где:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{office}, {resource}</source>
        <translation>{office}, {resource}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Campaign:</source>
        <translation>Кампания:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Confirmation:</source>
        <translation>Подтверждение:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Confirmation note:</source>
        <translation>Заметка к подтверждению:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the client</source>
        <translation>клиентом</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>us</source>
        <translation>нами</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancelled:</source>
        <translation>Отменён:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>by {who}: {reason}</source>
        <translation>{who}, причина: {reason}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>sale</source>
        <translation>продажа</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no sale</source>
        <translation>без продажи</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{result}, {amount}</source>
        <translation>{result}, {amount}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{result} — {comment}</source>
        <translation>{result} — {comment}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Result:</source>
        <translation>Результат:</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Why the visit is cancelled</source>
        <translation>Причина отмены визита</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>by the client</source>
        <translation>по инициативе клиента</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>by us</source>
        <translation>по нашей инициативе</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel the visit</source>
        <translation>Отменить визит</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Client arrived</source>
        <translation>Клиент пришёл</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No-show</source>
        <translation>Неявка</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Sale</source>
        <translation>Продажа</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Amount</source>
        <translation>Сумма</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Comment</source>
        <translation>Комментарий</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the result</source>
        <translation>Сохранить результат</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Save to a calendar (.ics)…</source>
        <translation>Сохранить в файл календаря (.ics)…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>History:</source>
        <translation>История:</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{at}: booked by {who}</source>
        <translation>{at}: визит назначен ({who})</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>unknown</source>
        <translation>неизвестно</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Moved here from an earlier booking.</source>
        <translation>Перенесён сюда с более ранней записи.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{at}: {what} ({who})</source>
        <translation>{at}: {what} ({who})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>system</source>
        <translation>система</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Say why the visit is cancelled.</source>
        <translation>Укажите причину отмены визита.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>The amount must be a number, e.g. 150000.00.</source>
        <translation>Сумма должна быть числом, например 150000,00.</translation>
    </message>
</context>
<context>
    <name>WeeklyHoursEditor</name>
    <message>
        <location filename="../../operator_app/gui/calendar_setup/hours_editor.py" line="+87"/>
        <source>In the office&apos;s time ({zone}), e.g. 09:00–13:00, 14:00–18:00: the gap between intervals is a break; an empty day is a day off.</source>
        <translation>По времени офиса ({zone}), например 09:00–13:00, 14:00–18:00: промежуток между интервалами — перерыв, пустой день — выходной.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>day off</source>
        <translation>выходной</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copy Monday to Tue–Fri</source>
        <translation>Скопировать понедельник на Вт–Пт</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save hours</source>
        <translation>Сохранить часы</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the weekly hours (Ctrl+S)</source>
        <translation>Сохранить часы работы (Ctrl+S)</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>Saving…</source>
        <translation>Сохранение…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The hours are saved.</source>
        <translation>Часы работы сохранены.</translation>
    </message>
</context>
<context>
    <name>WeightsEditor</name>
    <message>
        <location filename="../../operator_app/gui/kpi/weights_editor.py" line="+98"/>
        <source>The role whose scorecard these weights make</source>
        <translation>Роль, для карты KPI которой задаются эти веса</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A metric with a weight counts towards the role&apos;s score; below its cut-off (a share of the plan) that part counts zero. Weights add up to 100 %.</source>
        <translation>Показатель с весом учитывается в итоге роли; ниже порога (доли от плана) эта часть засчитывается как ноль. Сумма весов — 100 %.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Weight</source>
        <translation>Вес</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cut-off</source>
        <translation>Порог</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Save weights</source>
        <translation>Сохранить веса</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Total: {total} %</source>
        <translation>Итого: {total} %</translation>
    </message>
</context>
<context>
    <name>WorkspaceTabs</name>
    <message>
        <location filename="../../operator_app/gui/workspaces.py" line="+85"/>
        <source>Users</source>
        <translation>Пользователи</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lead lists</source>
        <translation>Базы лидов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Campaigns</source>
        <translation>Кампании</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Database</source>
        <translation>База данных</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Arbitration</source>
        <translation>Арбитраж</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Criteria</source>
        <translation>Критерии</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Incoming leads</source>
        <translation>Входящие лиды</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Calendar</source>
        <translation>Календарь</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Messages to clients</source>
        <translation>Сообщения клиентам</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Message templates</source>
        <translation>Шаблоны сообщений</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Message channels</source>
        <translation>Каналы сообщений</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Offices and resources</source>
        <translation>Офисы и ресурсы</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dashboard</source>
        <translation>Дашборд</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Plans and KPIs</source>
        <translation>Планы и KPI</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Call review</source>
        <translation>Оценка звонков</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scripts</source>
        <translation>Скрипты</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Script versions</source>
        <translation>Версии скриптов</translation>
    </message>
</context>
<context>
    <name>_SetupDialog</name>
    <message>
        <location filename="../../operator_app/gui/calendar_setup/dialogs.py" line="-298"/>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>Deactivate anyway</source>
        <translation>Всё равно отключить</translation>
    </message>
</context>
</TS>
