//! Training mode's scripted lessons and the shiftable clock a training till runs on.
//! Domain only: the till reads the facts (`Till::lesson_facts`), the UI shows the lessons.

pub mod clock;
pub mod lessons;

pub use clock::TrainingClock;
pub use lessons::{Lesson, LessonFacts, LessonId, LessonResult, Missing};
